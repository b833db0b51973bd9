// Lets bin/schema-engine run the TypeScript stand-in with tsx, resolved from this package
// (the Prisma CLI starts the binary with its own working directory).
import { register } from 'tsx/esm/api';
register();
