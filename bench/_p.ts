import { packageFunctions } from './bundles.ts';
const r = await packageFunctions('/tmp/bt/pkg2');
console.log(r.ms, r.bundles.map((b) => [b.name, b.zipBytes, b.mjsBytes]));
