// The bot against the akkoma flavour of the test instance: see test/testkit/bot/server-suite.ts.
import { serverSuite } from '../testkit/bot/server-suite.ts';

serverSuite('akkoma');
