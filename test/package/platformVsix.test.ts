import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { megabytes, NATIVE_TRIPLES, nativePackagesIn, packageTarget, version, zipEntries } from './packaging';

/**
 * What a native module was compiled for, from its header: ELF, Mach-O or PE, and the CPU.
 * Returns e.g. `darwin-arm64`, `win32-x64`, `linux-arm` (musl and glibc builds look alike here).
 */
function binaryPlatform(binary: Buffer): string {
  if (binary.readUInt32BE(0) === 0x7f454c46) {
    const machine = binary.readUInt16LE(18);
    return `linux-${({ 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm' } as Record<number, string>)[machine] ?? `machine-${machine}`}`;
  }
  if (binary.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = binary.readUInt32LE(4);
    return `darwin-${({ 0x01000007: 'x64', 0x0100000c: 'arm64' } as Record<number, string>)[cpu] ?? `cpu-${cpu.toString(16)}`}`;
  }
  if (binary.toString('latin1', 0, 2) === 'MZ') {
    const pe = binary.readUInt32LE(0x3c);
    assert.equal(binary.toString('latin1', pe, pe + 4), 'PE\0\0');
    const machine = binary.readUInt16LE(pe + 4);
    return `win32-${({ 0x8664: 'x64', 0xaa64: 'arm64' } as Record<number, string>)[machine] ?? `machine-${machine.toString(16)}`}`;
  }
  return 'unknown';
}

/** The OS and CPU a VS Code target's native module must be built for. */
const BINARY_PLATFORM: Readonly<Record<string, string>> = {
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'linux-armhf': 'linux-arm',
  'alpine-x64': 'linux-x64',
  'alpine-arm64': 'linux-arm64',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
};

// The issue asks for darwin-arm64 and win32-x64 built on this (linux-x64) machine; WEBHOOK_TUNNEL_PACKAGE_ALL=1 checks all nine.
const TARGETS = process.env.WEBHOOK_TUNNEL_PACKAGE_ALL ? Object.keys(NATIVE_TRIPLES) : ['darwin-arm64', 'win32-x64'];

describe('package: VSIXs for other platforms, built on this machine', function () {
  this.timeout(240_000);

  for (const target of TARGETS) {
    it(`${target}: holds exactly its own native package (@ngrok/ngrok-${NATIVE_TRIPLES[target]}), built for ${BINARY_PLATFORM[target]}`, async () => {
      const triple = NATIVE_TRIPLES[target]!;
      const packaged = await packageTarget(target);
      assert.ok(packaged.vsix.endsWith(`webhook-tunnel-${target}-${version}.vsix`));
      const entries = zipEntries(packaged.vsix);
      assert.deepEqual(nativePackagesIn(entries), [`ngrok-${triple}`]);
      const natives = entries.filter((entry) => entry.name.startsWith(`extension/node_modules/@ngrok/ngrok-${triple}/`)).map((entry) => entry.name).sort();
      assert.deepEqual(natives, [`extension/node_modules/@ngrok/ngrok-${triple}/ngrok.${triple}.node`, `extension/node_modules/@ngrok/ngrok-${triple}/package.json`]);
      assert.equal(binaryPlatform(entries.find((entry) => entry.name.endsWith(`/ngrok.${triple}.node`))!.read()), BINARY_PLATFORM[target]);

      const vsixManifest = entries.find((entry) => entry.name === 'extension.vsixmanifest')!.read().toString('utf8');
      assert.match(vsixManifest, new RegExp(`TargetPlatform="${target}"`));
      const nativeManifest = JSON.parse(entries.find((entry) => entry.name.endsWith(`ngrok-${triple}/package.json`))!.read().toString('utf8')) as { name: string; version: string };
      const sdkManifest = JSON.parse(entries.find((entry) => entry.name === 'extension/node_modules/@ngrok/ngrok/package.json')!.read().toString('utf8')) as { version: string };
      assert.equal(nativeManifest.name, `@ngrok/ngrok-${triple}`);
      assert.equal(nativeManifest.version, sdkManifest.version, 'the native package matches the loader version exactly');
      const unpacked = entries.filter((entry) => entry.name.startsWith('extension/')).reduce((sum, entry) => sum + entry.size, 0);
      console.log(`      ${target}: ${megabytes(statSync(packaged.vsix).size)} compressed, ${megabytes(unpacked)} unpacked`);
    });
  }

  it('differs from the linux-x64 VSIX only in the native package and the target', async () => {
    const withoutNative = async (target: string): Promise<string[]> =>
      zipEntries((await packageTarget(target)).vsix)
        .map((entry) => entry.name)
        .filter((name) => !/^extension\/node_modules\/@ngrok\/ngrok-/.test(name))
        .sort();
    const linux = await withoutNative('linux-x64');
    for (const target of TARGETS) assert.deepEqual(await withoutNative(target), linux, target);
  });
});
