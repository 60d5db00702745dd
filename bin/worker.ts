import { runProcess } from './processEntry';

void runProcess('worker');
