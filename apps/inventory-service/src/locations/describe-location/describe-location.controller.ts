import { locationProfileSchema } from '@app/contracts';
import { Body, Controller, HttpStatus, Inject, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { parseRequest } from '../../platform/http';
import { locationIdParam } from '../../platform/http';
import { DescribeLocation } from './describe-location.command';
import { Access } from '../../platform/access';

@Controller('v1/locations')
export class DescribeLocationController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  /** `PUT /v1/locations/{locationId}`: 201 when registered, 200 when updated or unchanged. */
  @Put(':locationId')
  @Access.operator('locations:write')
  async describe(@Param('locationId') locationId: string, @Body() body: unknown, @Res() response: Response): Promise<void> {
    locationIdParam('locationId', locationId);
    const profile = parseRequest(locationProfileSchema, body, 'LOCATION.INVALID_PROFILE', 'location profile');
    const { created, location } = await this.commands.execute(new DescribeLocation(locationId, profile));
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK).json(location);
  }
}
