import { SqlReader } from '@app/event-store';
import { Inject, Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';

/** Liveness (the process answers) and readiness (PostgreSQL answers). */
@Controller('health')
export class HealthController {
  constructor(@Inject(SqlReader) private readonly reads: SqlReader) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() response: Response): Promise<void> {
    try {
      await this.reads.query('SELECT 1');
      response.status(HttpStatus.OK).json({ status: 'ok', checks: { postgres: 'up' } });
    } catch (error) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE).json({ status: 'unavailable', checks: { postgres: (error as Error).message } });
    }
  }
}
