import { expect } from 'chai';
import { describe, it } from 'mocha';
import { type NotationContext, NotationError, parseTemplate, render, renderObject } from './index.js';

const context: NotationContext = {
  profile: {
    data: { pii: { firstname: 'Ann' } },
    traits: { age: 42, vip: true, score: null },
    segments: ['vip', 'new'],
  },
  event: { properties: { items: [{ price: 9.5 }] } },
};

function templateError(text: string): NotationError {
  try {
    parseTemplate(text);
  } catch (error) {
    expect(error).to.be.instanceOf(NotationError);
    return error as NotationError;
  }
  throw new Error('expected a NotationError');
}

describe('text templates', () => {
  it('replaces placeholders with referenced values', () => {
    expect(render('Hello {{profile@data.pii.firstname}}!', context)).to.equal('Hello Ann!');
  });

  it('allows whitespace inside the braces', () => {
    expect(render('Hello {{  profile@data.pii.firstname\t}}', context)).to.equal('Hello Ann');
  });

  it('renders missing values and null as the empty string', () => {
    expect(
      render('[{{profile@data.pii.lastname}}][{{profile@traits.score}}][{{memory@x}}]', context),
    ).to.equal('[][][]');
  });

  it('renders numbers and booleans in JSON form, objects and arrays as JSON', () => {
    expect(render('{{profile@traits.age}} {{profile@traits.vip}}', context)).to.equal('42 true');
    expect(render('{{profile@segments}} {{event@properties.items[0]}}', context)).to.equal(
      '["vip","new"] {"price":9.5}',
    );
  });

  it('renders several placeholders and leaves text without placeholders alone', () => {
    expect(render('{{profile@traits.age}}{{profile@traits.age}}', context)).to.equal('4242');
    expect(render('no placeholders here } {', context)).to.equal('no placeholders here } {');
  });

  it('writes a literal {{ when it is escaped with a backslash', () => {
    expect(render('\\{{profile@traits.age}} is {{profile@traits.age}}', context)).to.equal(
      '{{profile@traits.age}} is 42',
    );
  });

  it('parses a template once into JSON parts that render the same', () => {
    const parts = parseTemplate('Hi {{ profile@data.pii.firstname }}, age {{profile@traits.age}}');
    expect(parts).to.deep.equal([
      'Hi ',
      { source: 'profile', path: ['data', 'pii', 'firstname'] },
      ', age ',
      { source: 'profile', path: ['traits', 'age'] },
    ]);
    expect(render(JSON.parse(JSON.stringify(parts)), context)).to.equal('Hi Ann, age 42');
  });

  it('rejects an unclosed placeholder with its column', () => {
    const error = templateError('Hi {{profile@data');
    expect(error.code).to.equal('malformed-template');
    expect(error.message).to.equal("unclosed '{{' at column 4");
    expect(error.offset).to.equal(3);
  });

  it('rejects an empty placeholder', () => {
    expect(templateError('Hi {{ }}').message).to.equal('empty placeholder at column 4');
  });

  it('rejects a placeholder that does not hold a reference and points at the problem', () => {
    const error = templateError('Hi {{ profile@data..x }}');
    expect(error.code).to.equal('malformed-template');
    expect(error.message)
      .to.contain('at column 4 does not hold a reference')
      .and.contain("expected a key after '.'");
    expect(error.offset).to.equal(19);
    expect(templateError('Hi {{ name }}').message).to.contain("expected 'source@path'");
  });
});

describe('object templates', () => {
  it('replaces a string that is exactly a reference with the value, keeping its type', () => {
    expect(
      renderObject(
        { age: 'profile@traits.age', vip: 'profile@traits.vip', segments: 'profile@segments' },
        context,
      ),
    ).to.deep.equal({ age: 42, vip: true, segments: ['vip', 'new'] });
  });

  it('renders strings containing placeholders as text', () => {
    expect(
      renderObject({ greeting: 'Hi {{profile@data.pii.firstname}}', age: '{{profile@traits.age}}' }, context),
    ).to.deep.equal({ greeting: 'Hi Ann', age: '42' });
  });

  it('turns a missing reference into null', () => {
    expect(renderObject(['profile@traits.height'], context)).to.deep.equal([null]);
  });

  it('walks nested arrays and objects and leaves other values and keys alone', () => {
    const template = {
      'profile@traits.age': [
        1,
        false,
        null,
        'plain text',
        'ann@example.com',
        { deep: ['event@properties.items[0].price'] },
      ],
    };
    expect(renderObject(template, context)).to.deep.equal({
      'profile@traits.age': [1, false, null, 'plain text', 'ann@example.com', { deep: [9.5] }],
    });
  });

  it('does not modify the template', () => {
    const template = { age: 'profile@traits.age' };
    renderObject(template, context);
    expect(template).to.deep.equal({ age: 'profile@traits.age' });
  });

  it('keeps a __proto__ key as data', () => {
    const template = JSON.parse('{"__proto__": "profile@traits.age"}');
    const rendered = renderObject(template, context) as Record<string, unknown>;
    expect(Object.getPrototypeOf(rendered)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(rendered, '__proto__')?.value).to.equal(42);
  });
});
