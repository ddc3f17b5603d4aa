// The bot against the hollo flavour of the test instance: see test/testkit/bot/server-suite.ts.
import { serverSuite } from '../testkit/bot/server-suite.ts';

serverSuite('hollo');
