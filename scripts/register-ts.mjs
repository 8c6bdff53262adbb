// Our tests, benchmarks and demo load TypeScript the same way plugin authors' tests do.
import '../test-utils/register.mjs';
