import { describe, expect, it } from 'vitest';
import { authHeaders, isAuthRejection, MissingCredentialsError } from '../../lib/slurm/auth.js';
import {
  describeSlurmError,
  isNothingFound,
  isSlurmdbUnavailable,
  slurmErrors,
} from '../../lib/slurm/errors-body.js';

describe('authHeaders', () => {
  it('builds the headers of each auth type', () => {
    expect(authHeaders('jwt', { token: 't1' })).toEqual({ 'x-slurm-user-token': 't1' });
    expect(authHeaders('jwt', { token: 't1', username: 'u' })).toEqual({
      'x-slurm-user-token': 't1',
      'x-slurm-user-name': 'u',
    });
    expect(authHeaders('bearer', { token: 't2', username: 'ignored' })).toEqual({
      authorization: 'Bearer t2',
    });
    expect(authHeaders('basic', { username: 'u', password: 'p:w' })).toEqual({
      authorization: `Basic ${Buffer.from('u:p:w').toString('base64')}`,
    });
    expect(authHeaders('none', { token: 'unused' })).toEqual({});
  });

  it('names what is missing', () => {
    expect(() => authHeaders('jwt', {})).toThrow(MissingCredentialsError);
    expect(() => authHeaders('bearer', { token: '' })).toThrow(/bearer needs a token/);
    expect(() => authHeaders('basic', { username: 'u' })).toThrow(/username and a password/);
  });
});

describe('isAuthRejection', () => {
  const e = (errorNumber: number, error: string) => [
    { errorNumber, error, description: undefined, source: undefined },
  ];
  it('recognises every known auth failure shape', () => {
    expect(isAuthRejection(401, [])).toBe(true);
    expect(isAuthRejection(511, [])).toBe(true);
    expect(isAuthRejection(500, e(1007, 'Protocol authentication error'))).toBe(true);
    expect(isAuthRejection(500, e(-1, 'Unspecified error'))).toBe(true);
    expect(isAuthRejection(500, e(7000, 'Unable to connect to database'))).toBe(true);
    expect(isAuthRejection(500, [], 'Authentication does not apply to request')).toBe(true);
  });
  it('does not flag other failures', () => {
    expect(isAuthRejection(500, e(2017, 'Invalid job id specified'))).toBe(false);
    expect(isAuthRejection(500, [], 'internal error')).toBe(false);
    expect(isAuthRejection(502, e(1007, 'Protocol authentication error'))).toBe(false);
    expect(isAuthRejection(403, [])).toBe(false);
  });
});

describe('errors-body', () => {
  it('normalises the error shapes of every version', () => {
    expect(
      slurmErrors({
        errors: [
          { error_number: 2002, error: 'Access/permission denied', description: 'd', source: 's' },
          { error: 'old style', error_code: 5 },
          { error: 'Unspecified error', errno: -1 },
          'garbage',
        ],
      }),
    ).toEqual([
      { errorNumber: 2002, error: 'Access/permission denied', description: 'd', source: 's' },
      { errorNumber: 5, error: 'old style', description: undefined, source: undefined },
      { errorNumber: -1, error: 'Unspecified error', description: undefined, source: undefined },
    ]);
    expect(slurmErrors({ errors: 'x' })).toEqual([]);
    expect(slurmErrors(null)).toEqual([]);
  });

  it('describes, and spots benign and slurmdb-unavailable cases', () => {
    const [first] = slurmErrors({ errors: [{ error_number: 9003, error: 'Nothing found' }] });
    expect(describeSlurmError(first)).toBe('slurm error 9003 "Nothing found"');
    expect(isNothingFound(first ? [first] : [])).toBe(true);
    expect(isNothingFound([])).toBe(false);
    expect(isSlurmdbUnavailable(slurmErrors({ errors: [{ error: 'Unable to connect to database' }] }))).toBe(
      true,
    );
    expect(isSlurmdbUnavailable([], 'slurmrestd not configured with slurmdbd')).toBe(true);
    expect(isSlurmdbUnavailable(slurmErrors({ errors: [{ error_number: 2002, error: 'denied' }] }))).toBe(
      false,
    );
  });
});
