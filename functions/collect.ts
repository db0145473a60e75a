/** Scheduled Lambda: one collection per EventBridge tick. All logic lives in lib/app/collect.ts. */
import type { Context } from 'aws-lambda';
import { type CollectSummary, runCollect } from '../lib/app/collect.js';
import { overridesFromEvent } from '../lib/app/overrides.js';

export const handler = async (event: unknown, context: Context): Promise<CollectSummary> =>
  runCollect({
    env: process.env,
    overrides: overridesFromEvent(event),
    awsRequestId: context.awsRequestId,
    functionName: context.functionName,
    invokedFunctionArn: context.invokedFunctionArn,
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
  });
