import { LOCATION_ID_PATTERN, LOCATION_ID_RULE, SKU_PATTERN, SKU_RULE, skuPolicySchema } from '@app/contracts';
import { Body, Controller, HttpStatus, Inject, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { ApiError } from '../../platform/http';
import { parseRequest } from '../../platform/http';
import { SetSkuPolicy } from './set-sku-policy.command';
import { Access } from '../../platform/access';

@Controller('v1/locations')
export class SetSkuPolicyController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  /** `PUT /v1/locations/{locationId}/skus/{sku}/policy`: safety stock (overrides the location's) and reorder policy. */
  @Put(':locationId/skus/:sku/policy')
  @Access.operator('policies:write')
  async setPolicy(
    @Param('locationId') locationId: string,
    @Param('sku') sku: string,
    @Body() body: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const problems = [
      ...(LOCATION_ID_PATTERN.test(locationId) ? [] : [{ field: 'locationId', problem: LOCATION_ID_RULE }]),
      ...(SKU_PATTERN.test(sku) ? [] : [{ field: 'sku', problem: SKU_RULE }]),
    ];
    if (problems.length > 0)
      throw ApiError.badRequest('SKU_POLICY.INVALID_PATH', 'the location id or SKU in the path is not valid', problems);
    const policy = parseRequest(skuPolicySchema, body, 'SKU_POLICY.INVALID_POLICY', 'SKU policy');
    const result = await this.commands.execute(new SetSkuPolicy(locationId, sku, policy));
    response.status(result.created ? HttpStatus.CREATED : HttpStatus.OK).json(result.policy);
  }
}
