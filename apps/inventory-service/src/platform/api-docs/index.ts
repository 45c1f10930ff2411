// The public face of platform/api-docs: what other areas may import. Inside platform/api-docs, files import each other directly.
export { inventoryOpenApiDocument } from './openapi';
