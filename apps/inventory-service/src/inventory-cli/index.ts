// The public face of inventory-cli: what other areas may import. Inside inventory-cli, files import each other directly.
export { inspectStream, type StreamTarget } from './inspect-stream';
