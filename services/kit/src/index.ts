export { createService, runService, type Service, type ServiceKit, type ServiceOptions, type ReadinessCheck } from './service.js';
export { CircuitBreaker, CircuitOpenError, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker.js';
export { HttpClient, HttpStatusError, HttpTimeoutError, isRetryableHttpError, type HttpClientOptions, type HttpResponse } from './http-client.js';
export { createLogger, type Logger } from './logger.js';
export { RedMetrics, type RedObservation } from './metrics.js';
export { SecretStore, AwsSecretFetcher, parseSecretRef, isSecretRef, SecretUnavailableError, type SecretRef, type SecretFetcher } from './secrets.js';
export { envString, envInt, envPort, envEnum, envDuration, envSecret, type Env } from './config.js';
export { setupTracing, tracingOptionsFromEnv, activeTraceIds, type Tracing, type TracingOptions } from './tracing.js';
export { CORRELATION_HEADER, correlationIdFrom, currentCorrelationId, requestContext } from './request-context.js';
