/**
 * mdevctl's output formats as pure functions, against the shapes of mdevctl's own testdata
 * (mdevctl/mdevctl: src/tests/types.rs "full" and "parent-match-1", src/tests/list.rs "active"):
 * the same inputs, given here in scrambled order, must print byte for byte what mdevctl prints.
 */
import { describe, expect, it } from 'vitest';
import { joinHostsJson, joinHostsText, println } from '../../cli/format/hosts.ts';
import { prettyJson } from '../../cli/format/json.ts';
import {
  compareRust,
  formatJson,
  formatListText,
  formatTypesText,
  listJson,
  typesJson,
} from '../../cli/format/mdevctl.ts';
import type { MdevInfo, MdevTypeInfo, ParentTypes } from '../../cli/mdevctl/model.ts';

const type = (
  typeName: string,
  availableInstances: number,
  deviceApi: string,
  name: string,
  description = '',
) => ({ typeName, availableInstances, deviceApi, name, description }) satisfies MdevTypeInfo;

/** mdevctl's types test environment (types.rs), parents and types out of order on purpose. */
const TYPES: ParentTypes[] = [
  {
    parent: '0000:00:03.0',
    types: [
      type('nvidia-36', 16, 'vfio-pci', 'GRID M10-0Q'),
      type('nvidia-155', 4, 'vfio-pci', 'GRID M10-2B'),
    ],
  },
  {
    parent: '0000:00:02.0',
    types: [
      type('mdev_type3', 1, 'vfio-pci', 'name3', 'description 3'),
      type('mdev_type1', 5, 'vfio-pci', 'name1', 'description 1'),
      type('mdev_type2', 16, 'vfio-pci', 'name2'),
    ],
  },
  { parent: '0.0.26ab', types: [type('vfio_ccw-io', 4, 'vfio_mdev', 'name', 'description')] },
];

const device = (uuid: string, parent: string, mdevType: string, extra: Partial<MdevInfo> = {}): MdevInfo => ({
  uuid,
  parent,
  mdevType,
  autostart: false,
  defined: false,
  attrs: [],
  ...extra,
});

const U0 = '976d8cc2-4bfc-43b9-b9f9-f4af2de91ab9';
const U1 = '59e8b599-afdd-4766-a59e-415ef4f5a492';

describe('types', () => {
  it('text: parent at column 0, type at 2, fields at 4; Name/Description only when present', () => {
    expect(formatTypesText(TYPES)).toBe(
      [
        '0.0.26ab',
        '  vfio_ccw-io',
        '    Available instances: 4',
        '    Device API: vfio_mdev',
        '    Name: name',
        '    Description: description',
        '0000:00:02.0',
        '  mdev_type1',
        '    Available instances: 5',
        '    Device API: vfio-pci',
        '    Name: name1',
        '    Description: description 1',
        '  mdev_type2',
        '    Available instances: 16',
        '    Device API: vfio-pci',
        '    Name: name2',
        '  mdev_type3',
        '    Available instances: 1',
        '    Device API: vfio-pci',
        '    Name: name3',
        '    Description: description 3',
        '0000:00:03.0',
        '  nvidia-155',
        '    Available instances: 4',
        '    Device API: vfio-pci',
        '    Name: GRID M10-2B',
        '  nvidia-36',
        '    Available instances: 16',
        '    Device API: vfio-pci',
        '    Name: GRID M10-0Q',
        '',
      ].join('\n'),
    );
  });

  it('JSON: [{ parent: [{ type: {available_instances, device_api, name?, description?} }] }], no trailing newline', () => {
    const parentMatch1 = TYPES.filter((p) => p.parent === '0000:00:02.0');
    const field = (t: string, n: number, name: string, desc?: string) =>
      `      {\n        "${t}": {\n          "available_instances": ${n},\n          "device_api": "vfio-pci",\n` +
      `          "name": "${name}"${desc === undefined ? '' : `,\n          "description": "${desc}"`}\n        }\n      }`;
    expect(formatJson(typesJson(parentMatch1))).toBe(
      `[\n  {\n    "0000:00:02.0": [\n${field('mdev_type1', 5, 'name1', 'description 1')},\n` +
        `${field('mdev_type2', 16, 'name2')},\n${field('mdev_type3', 1, 'name3', 'description 3')}\n    ]\n  }\n]`,
    );
  });

  it('a type without name has neither Name: nor "name"', () => {
    const bare: ParentTypes[] = [{ parent: 'p', types: [type('t', 0, 'vfio-ccw', '')] }];
    expect(formatTypesText(bare)).toBe('p\n  t\n    Available instances: 0\n    Device API: vfio-ccw\n');
    expect(formatJson(typesJson(bare))).toBe(
      '[\n  {\n    "p": [\n      {\n        "t": {\n          "available_instances": 0,\n' +
        '          "device_api": "vfio-ccw"\n        }\n      }\n    ]\n  }\n]',
    );
  });

  it('a parent with no types is still listed; nothing at all is "" and []', () => {
    expect(formatTypesText([{ parent: 'p', types: [] }])).toBe('p\n');
    expect(formatJson(typesJson([{ parent: 'p', types: [] }]))).toBe('[\n  {\n    "p": []\n  }\n]');
    expect(formatTypesText([])).toBe('');
    expect(formatJson(typesJson([]))).toBe('[]');
  });
});

describe('list', () => {
  const ACTIVE = [
    device(U1, '0000:00:03.0', 'arbitrary_type2'),
    device(U0, '0000:00:02.0', 'arbitrary_type1'),
  ];

  it('text: UUID PARENT TYPE auto|manual, by parent then UUID', () => {
    expect(formatListText(ACTIVE)).toBe(
      `${U0} 0000:00:02.0 arbitrary_type1 manual\n${U1} 0000:00:03.0 arbitrary_type2 manual\n`,
    );
    const same = [device('b0000000-0000-0000-0000-000000000000', 'p', 't'), device(U1, 'p', 't')];
    expect(formatListText(same).split('\n')[0]?.startsWith(U1)).toBe(true);
  });

  it('text: (defined) suffix, auto, and the -v Attrs block (only with attributes)', () => {
    const d = device(U0, 'p', 't', {
      autostart: true,
      defined: true,
      attrs: [
        ['assign_adapter', '5'],
        ['assign_adapter', '6'],
      ],
    });
    expect(formatListText([d])).toBe(`${U0} p t auto (defined)\n`);
    expect(formatListText([d], { verbose: true })).toBe(
      `${U0} p t auto (defined)\n  Attrs:\n    @{0}: {"assign_adapter":"5"}\n    @{1}: {"assign_adapter":"6"}\n`,
    );
    expect(formatListText([device(U0, 'p', 't')], { verbose: true })).toBe(`${U0} p t manual\n`);
  });

  it('JSON: [{ parent: [{ uuid: {mdev_type, start, attrs} }] }], no trailing newline', () => {
    const entry = (u: string, t: string) =>
      `      {\n        "${u}": {\n          "mdev_type": "${t}",\n          "start": "manual",\n          "attrs": []\n        }\n      }`;
    expect(formatJson(listJson(ACTIVE))).toBe(
      `[\n  {\n    "0000:00:02.0": [\n${entry(U0, 'arbitrary_type1')}\n    ],\n` +
        `    "0000:00:03.0": [\n${entry(U1, 'arbitrary_type2')}\n    ]\n  }\n]`,
    );
  });

  it('JSON with -u: the bare config for one match, [] for none, the full form for several', () => {
    const one = [device(U0, 'p', 't', { attrs: [['k', 'v']] })];
    expect(formatJson(listJson(one, { byUuid: true }))).toBe(
      '{\n  "mdev_type": "t",\n  "start": "manual",\n  "attrs": [\n    {\n      "k": "v"\n    }\n  ]\n}',
    );
    expect(formatJson(listJson([], { byUuid: true }))).toBe('[]');
    expect(formatJson(listJson([], {}))).toBe('[]');
    expect(formatJson(listJson(ACTIVE, { byUuid: true }))).toBe(formatJson(listJson(ACTIVE)));
  });
});

describe('ordering', () => {
  it('type names compare as plain strings: nvidia-155 < nvidia-36 < nvidia-41', () => {
    expect(['nvidia-41', 'nvidia-36', 'nvidia-155'].sort(compareRust)).toEqual([
      'nvidia-155',
      'nvidia-36',
      'nvidia-41',
    ]);
  });

  it("Rust's String order is by code point (UTF-8 bytes), not UTF-16 units", () => {
    const astral = '\u{1F600}';
    const bmp = '\uFF61';
    expect([astral, bmp].sort()).toEqual([astral, bmp]); // JS: by UTF-16 code unit
    expect([astral, bmp].sort(compareRust)).toEqual([bmp, astral]);
    expect(compareRust('a', 'ab')).toBeLessThan(0);
    expect(compareRust('ab', 'ab')).toBe(0);
  });
});

describe('prettyJson (serde_json to_string_pretty)', () => {
  it('matches JSON.stringify(value, null, 2) on plain data', () => {
    const values: unknown[] = [
      [],
      {},
      [[], {}],
      { a: 1, b: [true, false, null], c: { d: 'x"y\\z\n\u0001' } },
      'text',
      -0.5,
      { skipped: undefined, fn: () => 1, kept: [undefined] },
    ];
    for (const v of values) expect(prettyJson(v)).toBe(JSON.stringify(v, null, 2));
  });

  it('keeps Map insertion order, integer-like keys included (preserve_order)', () => {
    const m = new Map<string, number>([
      ['b', 1],
      ['10', 2],
      ['2', 3],
    ]);
    expect(prettyJson(m)).toBe('{\n  "b": 1,\n  "10": 2,\n  "2": 3\n}');
    expect(JSON.stringify({ b: 1, '10': 2, '2': 3 }, null, 2)).not.toBe(prettyJson(m));
  });

  it('refuses circular structures', () => {
    const a: unknown[] = [];
    a.push(a);
    expect(() => prettyJson(a)).toThrow(/circular/);
  });
});

describe('stdout: println, and several hosts', () => {
  it("one host: mdevctl's output plus println's newline", () => {
    expect(println('')).toBe('\n');
    expect(joinHostsText([{ host: 'a', text: 'x\n' }])).toBe('x\n\n');
    expect(joinHostsJson([{ host: 'a', json: [] }])).toBe('[]\n');
  });

  it('several hosts: "# host" lines, and one object keyed by host in scenario order', () => {
    expect(
      joinHostsText([
        { host: 'z', text: 'x\n' },
        { host: 'a', text: '' },
      ]),
    ).toBe('# host z\nx\n\n# host a\n\n');
    expect(
      joinHostsJson([
        { host: 'z', json: [] },
        { host: '1', json: [] },
      ]),
    ).toBe('{\n  "z": [],\n  "1": []\n}\n');
  });
});
