// The public face of platform/access: what other areas may import. Inside platform/access, files import each other directly.
export { Access, type AccessRule, type Caller, CALLER, PosKeyStore, type RequestWithCaller } from './access-rule';
export { AccessGuard } from './access.guard';
export { redactSecrets } from './api-keys';
export {
  describeScopes,
  issueOperatorKey,
  listOperatorKeys,
  OPERATOR_KEY_NAME_PATTERN,
  OPERATOR_KEY_NAME_RULE,
  revokeOperatorKey,
} from './operator-keys';
export { isOperatorScope, OPERATOR_SCOPE_MEANING, OPERATOR_SCOPES, type OperatorScope } from './operator-scopes';
export { issuePosKey, revokePosKey } from './pos-api-keys';
export { type RouteAccess, routeTable } from './route-table';
export { WriteRateLimitGuard } from './write-rate-limit.guard';
