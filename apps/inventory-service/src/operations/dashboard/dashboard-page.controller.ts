import { Controller, Get, Header } from '@nestjs/common';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard.page';
import { Access } from '../../platform/access';

/**
 * `GET /dashboard`: a live operators' page (open `/dashboard?sku=SKU-1`): the SKU's stock on a map
 * of the locations, the event rate, consumer lag and readiness, recent logistics commands and stock
 * alerts. Self-contained: it loads nothing but this service's own endpoints.
 */
@Controller('dashboard')
export class DashboardPageController {
  @Get()
  @Access.open()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  page(): string {
    return DASHBOARD_HTML;
  }
}
