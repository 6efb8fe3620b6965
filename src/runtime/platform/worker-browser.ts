// Entry point of every browser worker: the shared bootstrap over the worker's global scope.
import { browserHostLink } from './browser.ts';
import { serveJobs } from '../worker/bootstrap.ts';

serveJobs(browserHostLink());
