import { z } from 'zod';
import { coerceToSchema, unflattenParams } from './coerce-params';

describe('coerceToSchema (IMM clients send strings)', () => {
  const schema = z.strictObject({
    MaxResults: z.number().int().optional(),
    WithFields: z.array(z.string()).optional(),
    WithoutTotalHits: z.boolean().optional(),
    Files: z.array(z.strictObject({ URI: z.string(), CustomLabels: z.record(z.string(), z.string()).optional() })),
    Notification: z.strictObject({ HTTP: z.strictObject({ Endpoint: z.string() }) }).optional(),
    Query: z.unknown().optional(),
    Name: z.string().optional(),
  });

  it('turns shrink JSON strings, numbers and booleans into what the schema expects', () => {
    const input = {
      MaxResults: '100',
      WithFields: '["URI","Figures"]',
      WithoutTotalHits: 'true',
      Files: '[{"URI":"oss://p/a.jpg","CustomLabels":{"k":"v"}}]',
      Notification: '{"HTTP":{"Endpoint":"https://x"}}',
      Query: '{"Field":"Size","Operation":"gt","Value":"1"}',
      Name: '42',
    };
    expect(schema.parse(coerceToSchema(schema, input))).toEqual({
      MaxResults: 100,
      WithFields: ['URI', 'Figures'],
      WithoutTotalHits: true,
      Files: [{ URI: 'oss://p/a.jpg', CustomLabels: { k: 'v' } }],
      Notification: { HTTP: { Endpoint: 'https://x' } },
      Query: { Field: 'Size', Operation: 'gt', Value: '1' },
      Name: '42',
    });
  });

  it('keeps a JSON __proto__ key as data for the schema to refuse', () => {
    const body = JSON.parse('{"Name":"x","__proto__":{"polluted":"1"}}') as unknown;
    const coerced = coerceToSchema(schema, body) as Record<string, unknown>;
    expect(Object.getPrototypeOf(coerced)).toBe(Object.prototype);
    expect(Object.keys(coerced)).toEqual(['Name', '__proto__']);
    expect(schema.safeParse(coerced).success).toBe(false);
  });

  it('leaves what does not convert for the schema to report', () => {
    const coerced = coerceToSchema(schema, { MaxResults: 'ten', Files: 'oss://p/a.jpg', WithoutTotalHits: 'yes' });
    expect(coerced).toEqual({ MaxResults: 'ten', Files: 'oss://p/a.jpg', WithoutTotalHits: 'yes' });
  });

  it('nests flattened lists (Files.1.URI) and orders them by index', () => {
    const flat = unflattenParams({ 'Files.2.URI': 'oss://p/b.jpg', 'Files.1.URI': 'oss://p/a.jpg', ProjectName: 'p' });
    expect(coerceToSchema(schema, flat)).toEqual({
      Files: [{ URI: 'oss://p/a.jpg' }, { URI: 'oss://p/b.jpg' }],
      ProjectName: 'p',
    });
    // A gap is not a list: the schema refuses it.
    expect(coerceToSchema(schema, unflattenParams({ 'Files.1.URI': 'a', 'Files.3.URI': 'c' }))).toEqual({
      Files: { 1: { URI: 'a' }, 3: { URI: 'c' } },
    });
    // Client-chosen names never reach a prototype.
    const hostile = unflattenParams({ '__proto__.polluted': '1', 'constructor.prototype.polluted': '1' });
    expect(Object.getPrototypeOf(hostile)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(hostile).sort()).toEqual(['__proto__', 'constructor']);
  });
});
