/** HTTP Lambda (API Gateway HTTP API v2 or Function URL): health and readiness. Logic in lib/app/health.ts. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleHealth } from '../lib/app/health.js';

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> =>
  handleHealth(event, process.env);
