// The public face of operations: what other areas may import. Inside operations, files import each other directly.
export { OperationsModule } from './operations.module';
