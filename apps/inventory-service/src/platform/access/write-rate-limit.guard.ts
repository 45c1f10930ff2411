import { HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ServiceConfig } from '../config';
import { ApiError } from '../http';
import { CALLER, type RequestWithCaller } from './access-rule';
import { WriteRateWindows } from './write-rate';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Writes (every method but GET, HEAD and OPTIONS) are limited per key and per client address, so one
 * POS, script or operator cannot crowd out the rest: `WRITE_RATE_LIMIT_PER_KEY_PER_MINUTE` for the key
 * the access guard let in (it runs after AccessGuard, which names the caller on the request), and
 * `WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE` for the socket's address, keyed or not. Over either: 429
 * with Retry-After (the seconds until that caller's minute ends), in the error shape, naming which.
 * Counted per instance: n instances behind a balancer let in up to n times as many.
 */
@Injectable()
export class WriteRateLimitGuard implements CanActivate {
  private readonly perKey: WriteRateWindows;
  private readonly perAddress: WriteRateWindows;

  constructor(@Inject(ServiceConfig) config: ServiceConfig) {
    this.perKey = new WriteRateWindows(config.access.writesPerKeyPerMinute);
    this.perAddress = new WriteRateWindows(config.access.writesPerAddressPerMinute);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & RequestWithCaller>();
    if (READS.has(request.method)) return true;
    const now = Date.now();
    const caller = request[CALLER];
    if (caller && caller.kind !== 'anyone') {
      const byKey = this.perKey.tally(`${caller.kind}:${caller.keyId}`, now);
      if (!byKey.allowed) {
        throw ApiError.busy(
          HttpStatus.TOO_MANY_REQUESTS,
          'RATE.TOO_MANY_WRITES',
          `this key made ${this.perKey.perMinute} writes this minute: try again in ${byKey.retryAfterSeconds} s`,
          byKey.retryAfterSeconds,
          [{ field: 'authorization', problem: `at most ${this.perKey.perMinute} writes a minute per key` }],
        );
      }
    }
    const address = request.socket.remoteAddress ?? 'unknown';
    const byAddress = this.perAddress.tally(address, now);
    if (!byAddress.allowed) {
      throw ApiError.busy(
        HttpStatus.TOO_MANY_REQUESTS,
        'RATE.TOO_MANY_WRITES',
        `${address} made ${this.perAddress.perMinute} writes this minute: try again in ${byAddress.retryAfterSeconds} s`,
        byAddress.retryAfterSeconds,
        [{ field: 'address', problem: `at most ${this.perAddress.perMinute} writes a minute per client address` }],
      );
    }
    return true;
  }
}
