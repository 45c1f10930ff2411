import { Controller, Get, Header, HttpStatus, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { loadDashboardFiles, type DashboardFiles } from './dashboard-files';
import { Access } from '../../platform/access';
import { ApiError } from '../../platform/http';

/**
 * Only the page's own scripts and stylesheets (files of this service, none inline) run, and it talks
 * to this service only.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `GET /dashboard`: a live operators' page (open `/dashboard?sku=SKU-1`): the SKU's stock on a map
 * of the locations, the event rate, consumer lag and readiness, recent logistics commands and stock
 * alerts. Its HTML, CSS and TypeScript are in ./page; the built files are read once, at start, and
 * its scripts and stylesheets served at `GET /dashboard/{file}`. It loads nothing but this service's
 * own files and endpoints.
 */
@Controller('dashboard')
export class DashboardPageController {
  private readonly page: DashboardFiles = loadDashboardFiles();

  @Get()
  @Access.open()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  html(): string {
    return this.page.html;
  }

  @Get(':file')
  @Access.open()
  file(@Param('file') name: string, @Res({ passthrough: true }) response: Response): string {
    const file = this.page.files.get(name);
    if (!file) {
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        'DASHBOARD.NO_SUCH_FILE',
        `the dashboard has no file ${JSON.stringify(name)}: open the page at GET /dashboard, it loads its own files`,
      );
    }
    response.setHeader('Content-Type', file.contentType);
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return file.body;
  }
}
