import { describe, expect, it } from 'vitest';
import { isMdevsimError } from '../../core/errors.ts';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';
import { formatDocPath, ScenarioError, type ScenarioIssue } from '../../scenarios/scenario-error.ts';
import { ISSUE_SCENARIO } from '../helpers/scenarios.ts';

const U = '5ac1fb20-2bbf-4842-bb7e-36c58c3be9cd';
const MTTY_HOST = { name: 'a', parents: [{ driver: 'mtty' }] };
const GVT_HOST = { name: 'a', parents: [{ driver: 'gvtg', address: '0000:00:02.0', pciId: '8086:193b' }] };

/** Loads `source`, expecting a ScenarioError; returns its issues. */
async function issuesOf(source: string | object): Promise<readonly ScenarioIssue[]> {
  let thrown: unknown;
  try {
    await loadScenario(source);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ScenarioError);
  const error = thrown as ScenarioError;
  expect(error.code).toBe('invalid-scenario');
  expect(isMdevsimError(error)).toBe(true);
  // The message lists every issue as `<path>: <message>`.
  expect(error.message).toBe(
    error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'),
  );
  return error.issues;
}

describe('scenario errors name the document path', () => {
  it('unknown driver → hosts[1].parents[0].driver, listing the known drivers', async () => {
    const issues = await issuesOf({
      hosts: [MTTY_HOST, { name: 'b', parents: [{ driver: 'nope', address: '0000:00:02.0' }] }],
    });
    expect(issues).toEqual([
      {
        path: 'hosts[1].parents[0].driver',
        message: "unknown driver 'nope' (known: aggr, gvtg, mtty, vgpu)",
      },
    ]);
  });

  it('the same in YAML: the message starts with the path', async () => {
    const text = ISSUE_SCENARIO.replace(
      'driver: gvtg\n        pciId: "8086:191b"',
      'driver: gvt\n        pciId: "8086:191b"',
    );
    const issues = await issuesOf(text);
    expect(issues.map((i) => i.path)).toEqual(['hosts[1].parents[0].driver']);
  });

  it('bad UUID → instances[0].uuid', async () => {
    expect(
      await issuesOf({
        hosts: [MTTY_HOST],
        instances: [{ host: 'a', parent: 'mtty', type: 'mtty-1', uuid: 'xyz' }],
      }),
    ).toEqual([{ path: 'instances[0].uuid', message: "'xyz' is not a UUID (8-4-4-4-12 hex digits)" }]);
  });

  it('a UUID with a trailing newline is not a scenario UUID (whole values only)', async () => {
    const issues = await issuesOf({
      hosts: [MTTY_HOST],
      instances: [{ host: 'a', parent: 'mtty', type: 'mtty-1', uuid: `${U}\n` }],
    });
    expect(issues.map((i) => i.path)).toEqual(['instances[0].uuid']);
  });

  it('unknown type → instances[0].type, listing the parent types', async () => {
    expect(
      await issuesOf({ hosts: [MTTY_HOST], instances: [{ host: 'a', parent: 'mtty', type: 'mtty-3' }] }),
    ).toEqual([
      { path: 'instances[0].type', message: "parent 'mtty' has no type 'mtty-3' (types: mtty-1, mtty-2)" },
    ]);
  });

  it('unknown host / parent → instances[0].host / instances[0].parent', async () => {
    expect(
      (await issuesOf({ hosts: [MTTY_HOST], instances: [{ host: 'b', parent: 'mtty', type: 'mtty-1' }] }))[0]
        ?.path,
    ).toBe('instances[0].host');
    expect(
      await issuesOf({ hosts: [MTTY_HOST], instances: [{ host: 'a', parent: 'x', type: 'mtty-1' }] }),
    ).toEqual([{ path: 'instances[0].parent', message: "no parent 'x' on host 'a' (parents: mtty)" }]);
  });

  it('over capacity → instances[N] with the errno and available_instances', async () => {
    const issues = await issuesOf({
      hosts: [GVT_HOST],
      instances: [
        { host: 'a', parent: '0000:00:02.0', type: 'i915-GVTg_V5_2' },
        { host: 'a', parent: '0000:00:02.0', type: 'i915-GVTg_V5_2' },
        { host: 'a', parent: '0000:00:02.0', type: 'i915-GVTg_V5_8' },
      ],
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('instances[2]');
    expect(issues[0]?.message).toContain('ENOSPC');
    expect(issues[0]?.message).toContain('available_instances 0');
  });

  it('over a maxInstances counter → instances[1] with EUSERS', async () => {
    const issues = await issuesOf({
      hosts: [{ name: 'a', parents: [{ driver: 'mtty', maxInstances: 1 }] }],
      instances: [
        { host: 'a', parent: 'mtty', type: 'mtty-1' },
        { host: 'a', parent: 'mtty', type: 'mtty-1' },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual(['instances[1]']);
    expect(issues[0]?.message).toContain('EUSERS');
  });

  it('duplicate UUID (case-insensitive, across types) → instances[1].uuid', async () => {
    expect(
      await issuesOf({
        hosts: [MTTY_HOST],
        instances: [
          { host: 'a', parent: 'mtty', type: 'mtty-1', uuid: U },
          { host: 'a', parent: 'mtty', type: 'mtty-2', uuid: U.toUpperCase() },
        ],
      }),
    ).toEqual([{ path: 'instances[1].uuid', message: `UUID ${U} is already used on host 'a'` }]);
  });

  it('the same UUID on two hosts is fine (per-kernel uniqueness)', async () => {
    const world = await loadScenario({
      hosts: [MTTY_HOST, { name: 'b', parents: [{ driver: 'mtty' }] }],
      instances: [
        { host: 'a', parent: 'mtty', type: 'mtty-1', uuid: U },
        { host: 'b', parent: 'mtty', type: 'mtty-1', uuid: U },
      ],
    });
    expect(world.host('b').sysfs.readdir('/sys/bus/mdev/devices')).toEqual([U]);
  });

  it('bad YAML syntax → line and column', async () => {
    const issues = await issuesOf('seed: 7\nhosts:\n  - name: a\n    parents: [\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('');
    expect(issues[0]?.message).toMatch(/^line 5, column 1: /);
  });

  it('the YAML position is given once, as the prefix (no trailing "at line N, column M:" repeat)', async () => {
    const [issue] = await issuesOf('seed: 7\nhosts:\n  - name: a\n    parents: [\n');
    expect(issue?.message).toMatch(/^line 5, column 1: \S/);
    expect(issue?.message).not.toMatch(/at line \d+, column \d+/);
    expect(issue?.message.endsWith(':')).toBe(false);
  });

  it('duplicate YAML keys are errors with their position', async () => {
    const issues = await issuesOf('seed: 7\nseed: 8\nhosts: []\n');
    expect(issues[0]?.message).toMatch(/^line 2, column 1: Map keys must be unique/);
  });

  it('wrong field types → one issue per field, each with its path', async () => {
    expect(
      await issuesOf({
        seed: 'x',
        hosts: [{ name: 'a', parents: [{ driver: 'mtty', maxInstances: 'two' }] }],
      }),
    ).toEqual([
      { path: 'seed', message: 'Invalid input: expected number, received string' },
      {
        path: 'hosts[0].parents[0].maxInstances',
        message: 'Invalid input: expected number, received string',
      },
    ]);
  });

  it('out-of-range and malformed values → their paths', async () => {
    const issues = await issuesOf({
      seed: -1,
      hosts: [
        {
          name: 'a b',
          parents: [{ driver: 'gvtg', address: '00:02.0', pciId: '8086193b', maxInstances: 1.5 }],
        },
      ],
      instances: [{ host: 'a', parent: 'x', type: 'y', aggregate: 0 }],
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'seed',
        'hosts[0].name',
        'hosts[0].parents[0].address',
        'hosts[0].parents[0].pciId',
        'hosts[0].parents[0].maxInstances',
        'instances[0].aggregate',
      ].sort(),
    );
  });

  it('unknown keys in hosts, parents and instances → the object path and the key', async () => {
    expect(
      await issuesOf({
        hosts: [{ name: 'a', colour: 'red', parents: [{ driver: 'mtty', adress: 'x' }] }],
        instances: [{ host: 'a', parent: 'mtty', type: 'mtty-1', uid: U }],
      }),
    ).toEqual([
      { path: 'hosts[0].parents[0]', message: 'Unrecognized key: "adress"' },
      { path: 'hosts[0]', message: 'Unrecognized key: "colour"' },
      { path: 'instances[0]', message: 'Unrecognized key: "uid"' },
    ]);
  });

  it('a missing or empty hosts list → hosts', async () => {
    expect((await issuesOf({}))[0]?.path).toBe('hosts');
    expect((await issuesOf({ hosts: [] }))[0]?.path).toBe('hosts');
  });

  it('a document that is not a mapping → the root path ""', async () => {
    expect((await issuesOf('42'))[0]).toEqual({
      path: '',
      message: 'Invalid input: expected object, received number',
    });
    expect((await issuesOf('- 1\n'))[0]?.path).toBe('');
  });

  it('semantic errors of parents: duplicate host, missing address/pciId, address on a virtual parent, duplicate parent', async () => {
    expect(await issuesOf({ hosts: [{ name: 'a' }, { name: 'a' }] })).toEqual([
      { path: 'hosts[1].name', message: "duplicate host name 'a'" },
    ]);
    expect((await issuesOf({ hosts: [{ name: 'a', parents: [{ driver: 'gvtg' }] }] }))[0]?.path).toBe(
      'hosts[0].parents[0].address',
    );
    expect(
      (await issuesOf({ hosts: [{ name: 'a', parents: [{ driver: 'gvtg', address: '0000:00:02.0' }] }] }))[0]
        ?.path,
    ).toBe('hosts[0].parents[0].pciId');
    expect(
      (await issuesOf({ hosts: [{ name: 'a', parents: [{ driver: 'mtty', address: '0000:00:02.0' }] }] }))[0]
        ?.path,
    ).toBe('hosts[0].parents[0].address');
    expect(
      await issuesOf({ hosts: [{ name: 'a', parents: [{ driver: 'mtty' }, { driver: 'mtty' }] }] }),
    ).toEqual([{ path: 'hosts[0].parents[1]', message: "parent 'mtty' is declared twice on host 'a'" }]);
  });

  it('aggregate on a driver without create parameters → instances[0].aggregate', async () => {
    expect(
      await issuesOf({
        hosts: [GVT_HOST],
        instances: [{ host: 'a', parent: '0000:00:02.0', type: 'i915-GVTg_V5_8', aggregate: 2 }],
      }),
    ).toEqual([
      { path: 'instances[0].aggregate', message: "driver 'gvtg' has no aggregate create parameter" },
    ]);
  });

  it('every independent issue is reported at once, not only the first', async () => {
    const issues = await issuesOf({
      hosts: [
        { name: 'a', parents: [{ driver: 'x' }, { driver: 'y' }] },
        { name: 'b', parents: [{ driver: 'z' }] },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual([
      'hosts[0].parents[0].driver',
      'hosts[0].parents[1].driver',
      'hosts[1].parents[0].driver',
    ]);
  });

  it('JSON text is YAML 1.2 and gets the same paths', async () => {
    const issues = await issuesOf(
      '{"hosts":[{"name":"a","parents":[{"driver":"mtty"}]}],"instances":[{"host":"a","parent":"mtty","type":"mtty-1","uuid":"bad"}]}',
    );
    expect(issues.map((i) => i.path)).toEqual(['instances[0].uuid']);
  });

  it('parseScenario fills defaults: seed 0, parents [], instances []', () => {
    const doc = parseScenario({ hosts: [{ name: 'a' }] });
    expect(doc.seed).toBe(0);
    expect(doc.hosts[0]?.parents).toEqual([]);
    expect(doc.instances).toEqual([]);
  });

  it('formatDocPath joins keys with dots and indexes with brackets', () => {
    expect(formatDocPath(['hosts', 1, 'parents', 0, 'driver'])).toBe('hosts[1].parents[0].driver');
    expect(formatDocPath([])).toBe('');
    expect(formatDocPath([0, 'a'])).toBe('[0].a');
  });

  it('a UUID omitted in the scenario is drawn from the seed: same seed, same UUID', async () => {
    const doc = { seed: 3, hosts: [MTTY_HOST], instances: [{ host: 'a', parent: 'mtty', type: 'mtty-1' }] };
    const a = (await loadScenario(doc)).host('a').sysfs.readdir('/sys/bus/mdev/devices');
    const b = (await loadScenario(doc)).host('a').sysfs.readdir('/sys/bus/mdev/devices');
    const c = (await loadScenario({ ...doc, seed: 4 })).host('a').sysfs.readdir('/sys/bus/mdev/devices');
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
