import { Module } from '@nestjs/common';
import { DescribeLocationController } from './describe-location/describe-location.controller';
import { DescribeLocationHandler } from './describe-location/describe-location.handler';
import { GetLocationsController } from './get-locations/get-locations.controller';

/** Locations: the registered network of stores and warehouses (its read model is an inline projection). */
@Module({
  controllers: [DescribeLocationController, GetLocationsController],
  providers: [DescribeLocationHandler],
})
export class LocationsModule {}
