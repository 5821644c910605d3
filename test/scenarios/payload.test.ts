import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../index.ts';

const DOC = {
  hosts: [
    {
      name: 'h',
      parents: [
        { driver: 'gvtg', address: '0000:00:02.0', pciId: '8086:193b', options: { payload: 'real' } },
        { driver: 'vgpu', address: '0000:3b:00.0', pciId: '10de:13bd' },
        { driver: 'mtty' },
      ],
    },
  ],
};

describe('loadScenario({ payload }) (mdevsim migrate --payload)', () => {
  it('sets every GPU-like parent to the given payload and leaves drivers without one alone', async () => {
    const world = await loadScenario(DOC, { payload: 'modeled' });
    const parents = world.host('h').kernel.parents;
    expect(parents.get('0000:00:02.0')?.config.options['payload']).toBe('modeled');
    expect(parents.get('0000:3b:00.0')?.config.options['payload']).toBe('modeled');
    expect(parents.get('mtty')?.config.options).toEqual({});
  });

  it('without it, each parent keeps its own option', async () => {
    const world = await loadScenario(DOC);
    const parents = world.host('h').kernel.parents;
    expect(parents.get('0000:00:02.0')?.config.options['payload']).toBe('real');
    expect(parents.get('0000:3b:00.0')?.config.options['payload']).toBeUndefined();
  });
});
