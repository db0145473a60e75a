import { describe, expect, it } from 'vitest';
import { reservationsCollector } from '../../lib/collectors/reservations.js';
import { collectWith, NOW, reservation, sampleValue } from './fixtures.js';

describe('reservations collector', () => {
  it('marks reservations active between start and end and computes remaining seconds', () => {
    const { families } = collectWith(reservationsCollector, {
      reservations: [
        reservation({ name: 'now', startTime: NOW - 60, endTime: NOW + 600 }),
        reservation({ name: 'later', startTime: NOW + 100, endTime: NOW + 200, coreCount: null }),
        reservation({ name: 'past', startTime: NOW - 200, endTime: NOW - 100 }),
      ],
    });
    expect(sampleValue(families, 'slurm_reservation_active', { reservation: 'now' })).toBe(1);
    expect(sampleValue(families, 'slurm_reservation_info', { reservation: 'now', state: 'active' })).toBe(1);
    expect(sampleValue(families, 'slurm_reservation_active', { reservation: 'later' })).toBe(0);
    expect(sampleValue(families, 'slurm_reservation_info', { reservation: 'later', state: 'inactive' })).toBe(
      1,
    );
    expect(sampleValue(families, 'slurm_reservation_remaining_seconds', { reservation: 'now' })).toBe(600);
    expect(sampleValue(families, 'slurm_reservation_remaining_seconds', { reservation: 'past' })).toBe(0);
    expect(sampleValue(families, 'slurm_reservation_cores', { reservation: 'later' })).toBeUndefined();
    expect(sampleValue(families, 'slurm_reservation_nodes', { reservation: 'now' })).toBe(2);
    expect(sampleValue(families, 'slurm_reservation_end_timestamp_seconds', { reservation: 'later' })).toBe(
      NOW + 200,
    );
  });
});
