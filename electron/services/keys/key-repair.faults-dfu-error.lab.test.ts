import { faultMatrix } from './testing/fault-matrix';

faultMatrix('dfu-status');
