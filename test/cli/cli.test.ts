/**
 * The `mdevsim` command end to end, as a child process: exit codes (0 / 1 runtime / 2 usage),
 * help and version, the fsm examples, byte-exact `types`/`list` output, scenario errors, and no
 * stack traces anywhere (unless DEBUG=mdevsim).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_DRIVER, BAD_YAML, ONE_HOST_JSON, TWO_HOSTS, U_GPU, U_SERIAL1, U_SERIAL2 } from './fixtures.ts';
import { type CliResult, ROOT, runCli, STACK_LINE, tempFiles } from './run-cli.ts';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let files: Awaited<ReturnType<typeof tempFiles>>;
let two = '';
let one = '';

beforeAll(async () => {
  files = await tempFiles({
    'two.yaml': TWO_HOSTS,
    'one.json': ONE_HOST_JSON,
    'bad-driver.yaml': BAD_DRIVER,
    'bad.yaml': BAD_YAML,
  });
  two = files.path('two.yaml');
  one = files.path('one.json');
});

afterAll(async () => {
  await files.cleanup();
});

/** Exit status and streams, and never a stack trace. */
function expectResult(r: CliResult, code: number): void {
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.stdout).not.toMatch(STACK_LINE);
  expect({ code: r.code, stderr: r.code === code ? '' : r.stderr }).toEqual({ code, stderr: '' });
}

const MTTY_TYPES = [
  'mtty',
  '  mtty-1',
  '    Available instances: 24',
  '    Device API: vfio-pci',
  '    Name: Single port serial',
  '  mtty-2',
  '    Available instances: 12',
  '    Device API: vfio-pci',
  '    Name: Dual port serial',
  '',
].join('\n');

describe.concurrent('help, version and usage errors', () => {
  const commands = [
    [],
    ['types'],
    ['list'],
    ['fsm'],
    ['run'],
    ['migrate'],
    ['matrix'],
    ['policy'],
    ['policy', 'check'],
    ['mount'],
  ];
  for (const command of commands) {
    it(`mdevsim ${[...command, '--help'].join(' ')} exits 0 with usage and examples`, async () => {
      const r = await runCli([...command, '--help']);
      expectResult(r, 0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`Usage: mdevsim ${command.join(' ')}`.trimEnd());
      if (command.length > 0 && command[0] !== 'policy') expect(r.stdout).toContain('Examples:');
      if (command.join(' ') === 'policy check') expect(r.stdout).toContain('Examples:');
    });
  }

  it('help <command> is --help', async () => {
    const r = await runCli(['help', 'fsm']);
    expectResult(r, 0);
    expect(r.stdout).toContain('Usage: mdevsim fsm [options] <FROM> <TO>');
  });

  it('--version and -V print the package version', async () => {
    for (const r of await Promise.all(['--version', '-V'].map((flag) => runCli([flag])))) {
      expectResult(r, 0);
      expect(r.stdout).toBe(`mdevsim ${VERSION}\n`);
    }
  });

  it('an unknown command is a usage error (2)', async () => {
    const r = await runCli(['bogus']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: unknown command 'bogus'\n/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('a near miss suggests the command', async () => {
    const r = await runCli(['lsit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(Did you mean list?)');
  });

  it('an unknown option is a usage error (2) with the usage line', async () => {
    const r = await runCli(['types', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: unknown option '--bogus'\nUsage: mdevsim types [options] [scenario]\n" +
        "Try 'mdevsim types --help' for more information.\n",
    );
  });

  it('a missing or extra argument is a usage error (2)', async () => {
    const missing = await runCli(['fsm', 'RUNNING']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: missing required argument 'TO'\n/);
    const extra = await runCli(['fsm', 'RUNNING', 'STOP', 'RESUMING']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/^error: too many arguments for 'fsm'/);
  });

  it('no command, or a group without its subcommand, prints help on stderr and exits 2', async () => {
    for (const r of await Promise.all([[], ['policy']].map((args) => runCli(args)))) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Usage: mdevsim');
    }
  });

  it('the bin launcher runs the CLI (the bundle when built, else the sources through tsx)', async () => {
    const r = await runCli(['fsm', 'RUNNING', 'STOP'], { entry: [join(ROOT, 'bin/mdevsim.js')] });
    expectResult(r, 0);
    expect(r.stdout).toBe('RUNNING -> RUNNING_P2P -> STOP\n');
  });
});

describe.concurrent('fsm', () => {
  const ok: [string[], string][] = [
    [['RUNNING', 'RESUMING'], 'RUNNING -> RUNNING_P2P -> STOP -> RESUMING'],
    [['--flags', '1', 'RUNNING', 'STOP_COPY'], 'RUNNING -> STOP -> STOP_COPY'],
    [['stop', 'stop'], 'STOP'],
    [['2', '4'], 'RUNNING -> RUNNING_P2P -> STOP -> RESUMING'],
    [['running_p2p', 'pre_copy'], 'RUNNING_P2P -> RUNNING -> PRE_COPY'],
    [['PRE_COPY', 'STOP_COPY'], 'PRE_COPY -> PRE_COPY_P2P -> STOP_COPY'],
    [['--flags', '0x3', 'RUNNING', 'STOP'], 'RUNNING -> RUNNING_P2P -> STOP'],
    [['--flags', 'STOP_COPY|PRE_COPY', 'PRE_COPY', 'STOP'], 'PRE_COPY -> RUNNING -> STOP'],
    [['--flags=5', 'STOP', 'PRE_COPY'], 'STOP -> RUNNING -> PRE_COPY'],
  ];
  for (const [args, path] of ok) {
    it(`fsm ${args.join(' ')}`, async () => {
      const r = await runCli(['fsm', ...args]);
      expectResult(r, 0);
      expect(r.stdout).toBe(`${path}\n`);
    });
  }

  it('a blocked arc: Error: EINVAL on stderr, exit 1, nothing on stdout', async () => {
    const r = await runCli(['fsm', 'STOP_COPY', 'PRE_COPY']);
    expectResult(r, 1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: EINVAL: .+\n$/);
    expect(r.stderr).toContain('STOP_COPY');
  });

  it('a state the flags do not support, and ERROR, are EINVAL too', async () => {
    const cases = [
      ['--flags', '1', 'RUNNING', 'PRE_COPY'],
      ['ERROR', 'STOP'],
      ['RUNNING', 'ERROR'],
    ];
    for (const r of await Promise.all(cases.map((args) => runCli(['fsm', ...args])))) {
      expectResult(r, 1);
      expect(r.stderr).toMatch(/^Error: EINVAL: .+\n$/);
    }
  });

  it('a bad state name or number, or bad flags, is a usage error (2)', async () => {
    const cases = [
      ['RUNNIN', 'STOP'],
      ['RUNNING', '8'],
      ['--flags', '8', 'RUNNING', 'STOP'],
      ['--flags', '2', 'RUNNING', 'STOP'],
      ['--flags', 'fast', 'RUNNING', 'STOP'],
    ];
    for (const r of await Promise.all(cases.map((args) => runCli(['fsm', ...args])))) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: invalid .*\nUsage: mdevsim fsm \[options\] <FROM> <TO>\n/);
    }
  });
});

describe.concurrent('types and list: mdevctl output, byte for byte', () => {
  it('types on one host', async () => {
    const r = await runCli(['types', two, '--host', 'b']);
    expectResult(r, 0);
    expect(r.stdout).toBe(`${MTTY_TYPES}\n`);
  });

  it('types sorts types by name as plain strings (nvidia-155 before nvidia-35)', async () => {
    const r = await runCli(['types', two, '--host', 'a', '-p', '0000:00:03.0']);
    expectResult(r, 0);
    const type = (id: string, avail: number, name: string, desc: string) =>
      `  nvidia-${id}\n    Available instances: ${avail}\n    Device API: vfio-pci\n    Name: ${name}\n    Description: ${desc}\n`;
    expect(r.stdout).toBe(
      '0000:00:03.0\n' +
        type(
          '155',
          3,
          'GRID M10-2B',
          'num_heads=4, frl_config=45, framebuffer=2048M, max_resolution=5120x2880, max_instance=4',
        ) +
        type(
          '35',
          0,
          'GRID M10-0B',
          'num_heads=2, frl_config=45, framebuffer=512M, max_resolution=2560x1600, max_instance=16',
        ) +
        type(
          '36',
          0,
          'GRID M10-0Q',
          'num_heads=2, frl_config=60, framebuffer=512M, max_resolution=2560x1600, max_instance=16',
        ) +
        type(
          '37',
          0,
          'GRID M10-1B',
          'num_heads=4, frl_config=45, framebuffer=1024M, max_resolution=5120x2880, max_instance=8',
        ) +
        type(
          '41',
          0,
          'GRID M10-8Q',
          'num_heads=4, frl_config=60, framebuffer=8192M, max_resolution=7680x4320, max_instance=1',
        ) +
        '\n',
    );
  });

  it('types: a multi-line description is joined with ", "', async () => {
    const r = await runCli(['types', two, '--host', 'a', '-p', '0000:00:02.0']);
    expectResult(r, 0);
    expect(r.stdout).toContain(
      '  i915-GVTg_V5_4\n    Available instances: 4\n    Device API: vfio-pci\n    Name: GVTg_V5_4\n' +
        '    Description: low_gm_size: 128MB, high_gm_size: 512MB, fence: 4, resolution: 1920x1200, weight: 4\n',
    );
  });

  it('types --dumpjson', async () => {
    const r = await runCli(['types', two, '--host', 'b', '--dumpjson']);
    expectResult(r, 0);
    const typeJson = (id: string, avail: number, name: string) =>
      `      {\n        "${id}": {\n          "available_instances": ${avail},\n` +
      `          "device_api": "vfio-pci",\n          "name": "${name}"\n        }\n      }`;
    expect(r.stdout).toBe(
      `[\n  {\n    "mtty": [\n${typeJson('mtty-1', 24, 'Single port serial')},\n` +
        `${typeJson('mtty-2', 12, 'Dual port serial')}\n    ]\n  }\n]\n`,
    );
  });

  it('types with no match: an empty line, or [] in JSON', async () => {
    const text = await runCli(['types', two, '--host', 'a', '-p', 'nope']);
    expectResult(text, 0);
    expect(text.stdout).toBe('\n');
    const json = await runCli(['types', two, '--host', 'a', '-p', 'nope', '--dumpjson']);
    expect(json.stdout).toBe('[]\n');
  });

  it('list: UUID PARENT TYPE manual, parents sorted, devices by UUID', async () => {
    const r = await runCli(['list', two, '--host', 'a']);
    expectResult(r, 0);
    expect(r.stdout).toBe(
      `${U_GPU} 0000:00:03.0 nvidia-155 manual\n${U_SERIAL1} mtty mtty-1 manual\n${U_SERIAL2} mtty mtty-2 manual\n\n`,
    );
  });

  it('list -p, and -v (no attributes on active devices)', async () => {
    const r = await runCli(['list', two, '--host', 'a', '-p', 'mtty', '-v']);
    expectResult(r, 0);
    expect(r.stdout).toBe(`${U_SERIAL1} mtty mtty-1 manual\n${U_SERIAL2} mtty mtty-2 manual\n\n`);
  });

  it('list --dumpjson', async () => {
    const r = await runCli(['list', two, '--host', 'a', '-p', 'mtty', '--dumpjson']);
    expectResult(r, 0);
    const dev = (u: string, t: string) =>
      `      {\n        "${u}": {\n          "mdev_type": "${t}",\n          "start": "manual",\n          "attrs": []\n        }\n      }`;
    expect(r.stdout).toBe(
      `[\n  {\n    "mtty": [\n${dev(U_SERIAL1, 'mtty-1')},\n${dev(U_SERIAL2, 'mtty-2')}\n    ]\n  }\n]\n`,
    );
  });

  it('list -u (any UUID form) --dumpjson: the bare config object; no match: []', async () => {
    const simple = U_GPU.replaceAll('-', '').toUpperCase();
    const r = await runCli(['list', two, '--host', 'a', '-u', simple, '--dumpjson']);
    expectResult(r, 0);
    expect(r.stdout).toBe('{\n  "mdev_type": "nvidia-155",\n  "start": "manual",\n  "attrs": []\n}\n');
    const none = await runCli(['list', two, '--host', 'b', '-u', `{${U_GPU}}`, '--dumpjson']);
    expectResult(none, 0);
    expect(none.stdout).toBe('[]\n');
    const text = await runCli(['list', two, '--host', 'a', '-u', `urn:uuid:${U_GPU}`]);
    expect(text.stdout).toBe(`${U_GPU} 0000:00:03.0 nvidia-155 manual\n\n`);
  });

  it('list on a host without devices prints an empty line', async () => {
    const r = await runCli(['list', two, '--host', 'b']);
    expectResult(r, 0);
    expect(r.stdout).toBe('\n');
  });

  it('several hosts: a "# host <name>" line before each host, JSON keyed by host', async () => {
    const text = await runCli(['list', two]);
    expectResult(text, 0);
    expect(text.stdout).toBe(
      `# host a\n${U_GPU} 0000:00:03.0 nvidia-155 manual\n${U_SERIAL1} mtty mtty-1 manual\n` +
        `${U_SERIAL2} mtty mtty-2 manual\n\n# host b\n\n`,
    );
    const json = await runCli(['list', two, '-p', 'nope', '--dumpjson']);
    expectResult(json, 0);
    expect(json.stdout).toBe('{\n  "a": [],\n  "b": []\n}\n');
  });

  it('a one-host JSON scenario, and a scenario on stdin', async () => {
    const file = await runCli(['types', one]);
    expectResult(file, 0);
    expect(file.stdout).toBe(`${MTTY_TYPES}\n`);
    const stdin = await runCli(['types', '-', '--host', 'b'], { input: TWO_HOSTS });
    expectResult(stdin, 0);
    expect(stdin.stdout).toBe(`${MTTY_TYPES}\n`);
  });

  it('an unknown host is a runtime error (1)', async () => {
    const r = await runCli(['types', two, '--host', 'zz']);
    expectResult(r, 1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("Error: no host named 'zz' (hosts: a, b)\n");
  });

  it('a bad --uuid is a usage error (2)', async () => {
    const r = await runCli(['list', two, '-u', 'not-a-uuid']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: invalid value 'not-a-uuid' for '-u, --uuid <UUID>'/);
  });

  it.skipIf(!existsSync(join(ROOT, 'scenarios/default.yaml')))(
    'no scenario: the built-in default',
    async () => {
      const r = await runCli(['types', '-p', 'nope']);
      expectResult(r, 0);
    },
  );
});

describe.concurrent('scenario errors: Error: <message> on stderr, exit 1, no stack', () => {
  it('a scenario that fails validation names the document path', async () => {
    const r = await runCli(['types', files.path('bad-driver.yaml')]);
    expectResult(r, 1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: hosts\[0\]\.parents\[0\]\.driver: unknown driver 'nosuchdriver'/);
  });

  it('a scenario that is not YAML gives the line and column', async () => {
    const r = await runCli(['list', files.path('bad.yaml')]);
    expectResult(r, 1);
    expect(r.stderr).toMatch(/^Error: line \d+, column \d+: /);
  });

  it('a missing file', async () => {
    const r = await runCli(['types', files.path('missing.yaml')]);
    expectResult(r, 1);
    expect(r.stderr).toBe(
      `Error: cannot read scenario '${files.path('missing.yaml')}': ENOENT: no such file or directory\n`,
    );
  });

  it('DEBUG=mdevsim adds the stack', async () => {
    const r = await runCli(['types', files.path('bad-driver.yaml')], { env: { DEBUG: 'mdevsim' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: hosts\[0\]/);
    expect(r.stderr).toMatch(STACK_LINE);
  });
});

describe.concurrent('migrate, matrix, policy, mount: options and exit codes', () => {
  const from = `a:${U_GPU}`;
  it('migrate: usage errors (2)', async () => {
    const cases = [
      [two, '--from', from],
      [two, '--to', 'b'],
      [two, '--from', 'a', '--to', 'b'],
      [two, '--from', 'a:not-a-uuid', '--to', 'b'],
      [two, '--from', from, '--to', 'b c'],
      [two, '--from', from, '--to', 'b', '--bandwidth', 'fast'],
      [two, '--from', from, '--to', 'b', '--downtime-limit', '1.5'],
      [two, '--from', from, '--to', 'b', '--payload', 'fake'],
      ['--from', from, '--to', 'b'],
    ];
    const results = await Promise.all(cases.map((args) => runCli(['migrate', ...args])));
    results.forEach((r, i) => {
      expect({ args: cases[i], code: r.code }).toEqual({ args: cases[i], code: 2 });
      expect(r.stderr).toMatch(/^error: /);
    });
  });

  it('migrate: a completed migration exits 0; a refused one 1 with Error:', async () => {
    const [done, refused, json] = await Promise.all([
      runCli([
        'migrate',
        two,
        '--from',
        `a:${U_SERIAL2}`,
        '--to',
        'b',
        '--bandwidth',
        '128M',
        '--downtime-limit',
        '300',
      ]),
      runCli(['migrate', two, '--from', from, '--to', 'b']),
      runCli(['migrate', two, '--from', `a:${U_SERIAL1}`, '--to', 'b', '--parent', 'mtty', '--json']),
    ]);
    expectResult(done, 0);
    expect(done.stdout).toContain('outcome: completed');
    expectResult(refused, 1);
    expect(refused.stdout).toContain('outcome: refused');
    expect(refused.stderr).toMatch(/^Error: migration refused: .+\n$/);
    expectResult(json, 0);
    expect((JSON.parse(json.stdout) as { result: { outcome: string } }).result.outcome).toBe('completed');
  });

  it('migrate: an unknown host or device is a runtime error (1)', async () => {
    const [host, device] = await Promise.all([
      runCli(['migrate', two, '--from', `zz:${U_GPU}`, '--to', 'b']),
      runCli(['migrate', two, '--from', 'a:00000000-0000-0000-0000-000000000000', '--to', 'b']),
    ]);
    expectResult(host, 1);
    expect(host.stderr).toBe("Error: no host named 'zz' (hosts: a, b)\n");
    expect(device.code).toBe(1);
    expect(device.stderr).toMatch(/^Error: /);
    expect(device.stderr).not.toMatch(STACK_LINE);
  });

  it('matrix: csv and json; a bad --format is a usage error', async () => {
    const csv = await runCli(['matrix', two, '--format', 'csv', '--cross-host']);
    expectResult(csv, 0);
    expect(csv.stdout.split('\n')[0]).toBe(
      'sourceHost,sourceParent,sourceType,targetHost,targetParent,verdict,step,errno',
    );
    const json = await runCli(['matrix', two, '--format', 'json']);
    expectResult(json, 0);
    expect(Array.isArray(JSON.parse(json.stdout))).toBe(true);
    const bad = await runCli(['matrix', two, '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: option '--format <format>' argument 'xml' is invalid/);
  });

  it('policy check: exit 0 when the required properties hold, 1 with Error: when not', async () => {
    const good = await runCli(['policy', 'check', 'exact', '--runs', '5']);
    expectResult(good, 0);
    expect(good.stdout).toContain('RESULT: OK');
    const bad = await runCli([
      'policy',
      'check',
      'broken-not-reflexive',
      '--runs',
      '20',
      '--property',
      'reflexive',
    ]);
    expectResult(bad, 1);
    expect(bad.stderr).toBe("Error: policy check of 'broken-not-reflexive': reflexive fails\n");
    const json = await runCli(['policy', 'check', 'exact', '--runs', '3', '--json']);
    expectResult(json, 0);
    expect((JSON.parse(json.stdout) as { ok: boolean }).ok).toBe(true);
  });

  it('policy check: usage errors (2)', async () => {
    const cases = [['exact', '--runs', '0'], ['exact', '--property', 'nope'], ['exact', '--seed', 'x'], []];
    const results = await Promise.all(cases.map((args) => runCli(['policy', 'check', ...args])));
    results.forEach((r, i) => {
      expect({ args: cases[i], code: r.code }).toEqual({ args: cases[i], code: 2 });
    });
  });

  it('mount: usage errors (2)', async () => {
    const cases = [[two], [two, '/tmp/x', '--root', 'sys']];
    const results = await Promise.all(cases.map((args) => runCli(['mount', ...args])));
    results.forEach((r, i) => {
      expect({ args: cases[i], code: r.code }).toEqual({ args: cases[i], code: 2 });
    });
  });
});
