import { runProcess } from './processEntry';

void runProcess('api');
