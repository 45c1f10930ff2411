// The public face of platform/config: what other areas may import. Inside platform/config, files import each other directly.
export { loadEnvFile } from './env-file';
export {
  DEFAULT_SESSION_LIMITS,
  InvalidConfigurationError,
  type KafkaProductionSettings,
  loadServiceConfig,
  ServiceConfig,
  type SessionLimits,
} from './service-config';
