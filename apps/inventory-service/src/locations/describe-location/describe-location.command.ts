import type { LocationProfile } from '@app/stock-domain';
import { Command } from '@nestjs/cqrs';
import type { LocationView } from '../location-view';

/** Register a store or warehouse, or change its profile (PUT semantics: the whole profile). */
export class DescribeLocation extends Command<{ created: boolean; location: LocationView }> {
  constructor(
    readonly locationId: string,
    readonly profile: LocationProfile,
  ) {
    super();
  }
}
