/**
 * Small scenarios for the CLI tests, written to temp files (the tests do not depend on the
 * built-in default scenario).
 */

export const U_GPU = '976d8cc2-4bfc-43b9-b9f9-f4af2de91ab9';
export const U_SERIAL2 = '59e8b599-afdd-4766-a59e-415ef4f5a492';
export const U_SERIAL1 = '12345678-afdd-4766-a59e-415ef4f5a492';

/** Host `a`: an NVIDIA-like vGPU board, the mtty sample and GVT-g; host `b`: mtty only, no devices. */
export const TWO_HOSTS = `seed: 1
hosts:
  - name: a
    parents:
      - { driver: vgpu, address: "0000:00:03.0", pciId: "10de:13bd" }
      - { driver: mtty }
      - { driver: gvtg, address: "0000:00:02.0", pciId: "8086:193b" }
  - name: b
    parents:
      - { driver: mtty }
instances:
  - { host: a, parent: "0000:00:03.0", type: nvidia-155, uuid: ${U_GPU} }
  - { host: a, parent: mtty, type: mtty-2, uuid: ${U_SERIAL2} }
  - { host: a, parent: mtty, type: mtty-1, uuid: ${U_SERIAL1} }
`;

/** The same world as JSON, with one host only (host `b`). */
export const ONE_HOST_JSON = JSON.stringify({
  seed: 3,
  hosts: [{ name: 'b', parents: [{ driver: 'mtty' }] }],
});

/** Fails validation: an unknown driver at hosts[0].parents[0].driver. */
export const BAD_DRIVER = `hosts:
  - name: a
    parents:
      - { driver: nosuchdriver }
`;

/** Not YAML at all. */
export const BAD_YAML = 'hosts: [\n  { name: a\n';
