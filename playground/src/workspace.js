// The workspace a visitor starts with: the seed example of examples/seed (the files themselves,
// bundled), and an empty skiff.toml.
import train from '../../examples/seed/train.skiff';
import gpu from '../../examples/seed/lib/gpu.skiff';

export const FILES = [
  { path: 'train.skiff', text: train },
  { path: 'lib/gpu.skiff', text: gpu },
  { path: 'skiff.toml', text: '# skiff.toml: the project settings (docs/cli.md)\n' },
];
