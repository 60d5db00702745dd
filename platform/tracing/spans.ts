import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/** The tracer of the product's own spans; without a tracer provider installed (platform/tracing) its spans cost nothing. */
export const tracer = () => trace.getTracer('recommendation-tracker');

/** Runs `work` inside a child span of the active one, marking the span failed when `work` throws. */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
