import { Logger } from '@nestjs/common';

/** Terminus's logger ("Health Check has failed!" and what was down), with a context like every other line. */
export class HealthCheckLogger extends Logger {
  constructor() {
    super('HealthCheck');
  }
}
