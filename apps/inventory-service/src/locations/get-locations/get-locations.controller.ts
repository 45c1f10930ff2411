import type { LocationPage } from '@app/contracts';
import { SqlReader } from '@app/event-store';
import { Controller, Get, HttpStatus, Inject, Param, Query } from '@nestjs/common';
import { ApiError } from '../../platform/http';
import { locationIdParam } from '../../platform/http';
import { locationViewOf, type LocationRow, type LocationView } from '../location-view';
import { SELECT_LOCATION, SELECT_LOCATIONS_PAGE } from '../locations.sql';
import { HttpReads } from '../../platform/database';
import { Access } from '../../platform/access';

const MAX_PAGE = 500;

@Controller('v1/locations')
export class GetLocationsController {
  constructor(@Inject(HttpReads) private readonly reads: SqlReader) {}

  /** `GET /v1/locations?after=&limit=`: locations in id order, a page at a time. */
  @Get()
  @Access.open()
  async list(@Query('after') after = '', @Query('limit') limitParam = '100'): Promise<LocationPage> {
    const limit = Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw ApiError.badRequest('LOCATION.INVALID_LIMIT', `limit is a whole number from 1 to ${MAX_PAGE}`, [
        { field: 'limit', problem: `${JSON.stringify(limitParam)} is not allowed` },
      ]);
    }
    const rows = await this.reads.query<LocationRow>(SELECT_LOCATIONS_PAGE, [
      after === '' ? '' : locationIdParam('after', String(after)),
      limit,
    ]);
    const items = rows.map(locationViewOf);
    return { items, next: items.length === limit ? items[items.length - 1]!.locationId : null };
  }

  @Get(':locationId')
  @Access.open()
  async one(@Param('locationId') locationId: string): Promise<LocationView> {
    const [row] = await this.reads.query<LocationRow>(SELECT_LOCATION, [locationIdParam('locationId', locationId)]);
    if (!row)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        'LOCATION.NOT_FOUND',
        `no location ${locationId}: register it with PUT /v1/locations/${locationId}`,
      );
    return locationViewOf(row);
  }
}
