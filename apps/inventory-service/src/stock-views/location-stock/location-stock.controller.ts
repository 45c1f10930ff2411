import type { LocationStockPage, LowStock, NegativeStock } from '@app/contracts';
import { SqlReader } from '@app/event-store';
import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { locationIdParam } from '../../platform/http';
import { parseRequest } from '../../platform/http';
import { SALES_VELOCITY_DAYS } from '../daily-sales.projection';
import { SELECT_LOCATION_STOCK_PAGE, SELECT_LOW_STOCK, SELECT_NEGATIVE_STOCK } from '../stock-views.sql';
import { daysOfCover } from '@app/stock-domain';
import { ServiceConfig } from '../../platform/config';
import { conditional, minPositionParam, stockViewPosition } from '../stock-view-position';
import { HttpReads } from '../../platform/database';
import { Access } from '../../platform/access';

const pageQuery = z.object({
  after: z.string().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

interface LocationStockRow {
  sku: string;
  on_hand: number;
  reserved: number;
  in_transit: number;
  available: number;
  last_changed_at: Date;
  units_sold_per_day: number;
}

/**
 * Operators' views: one location's stock page by page, and where stock went negative or low. Each
 * answer carries the stock view's `position` and an ETag, and takes `minPosition`, as `GET /v1/stock/{sku}` does.
 */
@Controller('v1')
export class LocationStockController {
  constructor(
    @Inject(HttpReads) private readonly reads: SqlReader,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  private position(query: Record<string, string>): Promise<string> {
    return stockViewPosition(this.reads, minPositionParam(query.minPosition), this.config.http.minPositionWaitMs);
  }

  /**
   * `GET /v1/locations/{locationId}/stock?after=&limit=`: SKUs in order; pass `next` as `after` for the next page.
   * With sales velocity over the last 7 days and days of cover (null when nothing sold).
   */
  @Get('locations/:locationId/stock')
  @Access.storefront()
  async stockOfLocation(
    @Param('locationId') locationId: string,
    @Query() query: Record<string, string>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LocationStockPage | undefined> {
    locationIdParam('locationId', locationId);
    const { after, limit } = parseRequest(pageQuery, query, 'STOCK.INVALID_PAGE', 'page request');
    const position = await this.position(query);
    const rows = await this.reads.query<LocationStockRow>(SELECT_LOCATION_STOCK_PAGE, [locationId, after, limit, SALES_VELOCITY_DAYS]);
    const items = rows.map((row) => ({
      sku: row.sku,
      onHand: row.on_hand,
      reserved: row.reserved,
      available: row.available,
      inTransit: row.in_transit,
      lastChangedAt: row.last_changed_at.toISOString(),
      unitsSoldPerDay: Math.round(row.units_sold_per_day * 100) / 100,
      daysOfCover: daysOfCover(row.available, row.units_sold_per_day),
    }));
    return conditional(
      { locationId, items, next: items.length === limit ? items[items.length - 1]!.sku : null, position },
      position,
      ifNoneMatch,
      response,
    );
  }

  /** `GET /v1/stock-alerts/negative?limit=`: SKU-locations whose on-hand is below zero, worst first. */
  @Get('stock-alerts/negative')
  @Access.storefront()
  async negativeStock(
    @Query() query: Record<string, string>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<NegativeStock | undefined> {
    const { limit } = parseRequest(pageQuery.pick({ limit: true }), query, 'STOCK.INVALID_PAGE', 'alert request');
    const position = await this.position(query);
    const rows = await this.reads.query<{ location_id: string; sku: string; on_hand: number; last_changed_at: Date }>(
      SELECT_NEGATIVE_STOCK,
      [limit],
    );
    const items = rows.map((row) => ({
      locationId: row.location_id,
      sku: row.sku,
      onHand: row.on_hand,
      lastChangedAt: row.last_changed_at.toISOString(),
    }));
    return conditional({ items, position }, position, ifNoneMatch, response);
  }

  /** `GET /v1/stock-alerts/low?limit=`: SKU-locations whose available is at or below their reorder point, furthest below first. */
  @Get('stock-alerts/low')
  @Access.storefront()
  async lowStock(
    @Query() query: Record<string, string>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LowStock | undefined> {
    const { limit } = parseRequest(pageQuery.pick({ limit: true }), query, 'STOCK.INVALID_PAGE', 'alert request');
    const position = await this.position(query);
    const rows = await this.reads.query<{
      location_id: string;
      sku: string;
      available: number;
      reorder_point: number;
      reorder_quantity: number | null;
    }>(SELECT_LOW_STOCK, [limit]);
    const items = rows.map((row) => ({
      locationId: row.location_id,
      sku: row.sku,
      available: row.available,
      reorderPoint: row.reorder_point,
      reorderQuantity: row.reorder_quantity,
    }));
    return conditional({ items, position }, position, ifNoneMatch, response);
  }
}
