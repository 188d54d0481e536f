export { PeriodLeases, type HeldLease, type LeaseHolder, type PeriodLeaseOptions } from './period-leases.js';
