import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileJavaDateFormat, javaFixed } from '../../src/toolbox/java-format.ts';

test('javaFixed rounds half up on the shortest decimal, as String.format does', () => {
  assert.equal(javaFixed(1.005, 2), '1.01'); // toFixed gives 1.00
  assert.equal(javaFixed(2.675, 2), '2.68'); // toFixed gives 2.67
  assert.equal(javaFixed(0.05, 1), '0.1');
  assert.equal(javaFixed(3574.35, 1), '3574.4');
  assert.equal(javaFixed(0, 4), '0.0000');
  assert.equal(javaFixed(12, 1), '12.0');
  assert.equal(javaFixed(1e21, 1), '1000000000000000000000.0');
  assert.equal(javaFixed(0.00049, 3), '0.000');
  assert.equal(javaFixed(0.0005, 3), '0.001');
  assert.equal(javaFixed(-1.25, 1), '-1.3');
  assert.equal(javaFixed(9.999, 2), '10.00');
  assert.equal(javaFixed(5, 0), '5');
});

test('javaFixed prints NaN and infinities as Java does', () => {
  assert.equal(javaFixed(0 / 0, 4), 'NaN');
  assert.equal(javaFixed(1 / 0, 4), 'Infinity');
  assert.equal(javaFixed(-1 / 0, 1), '-Infinity');
});

test('SimpleDateFormat subset: the perf tool default and quoted text', () => {
  const ms = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();
  assert.equal(compileJavaDateFormat('yyyy-MM-dd HH:mm:ss:SSS')(ms), '2024-01-02 03:04:05:006');
  assert.equal(compileJavaDateFormat("yy/M/d h:mm a 'at' EEE, MMM")(ms), '24/1/2 3:04 AM at Tue, Jan');
  assert.equal(compileJavaDateFormat("HH 'o''clock' ''")(ms), "03 o'clock '");
  assert.throws(() => compileJavaDateFormat('yyyy-QQ'), /pattern letter "Q"/);
});
