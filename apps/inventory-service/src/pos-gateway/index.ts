// The public face of pos-gateway: what other areas may import. Inside pos-gateway, files import each other directly.
export { PosGatewayModule } from './pos-gateway.module';
