// The public face of stock-movements-gateway: what other areas may import. Inside stock-movements-gateway, files import each other directly.
export { StockMovementsGatewayModule } from './stock-movements-gateway.module';
