// V8 flags the API runs with (also written out in package.json's start:api). At a few hundred requests
// per second, objects of requests still in flight survive the default (16 MB) young generation and get
// promoted, so the old generation swings by ~100 MB a minute between collections; a larger young
// generation lets them die young.
export const API_NODE_FLAGS = ['--max-semi-space-size=32'];
