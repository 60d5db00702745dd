import fs from 'node:fs';
import path from 'node:path';
import { renderView, views } from '../../platform/web/views';

describe('page templates', () => {
  it('compiles every template', () => {
    const dir = path.join(__dirname, '../../platform/web/templates');
    const names = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.njk'));
    expect(names).toContain('layout.njk');
    for (const name of names) expect(() => views().getTemplate(name, true)).not.toThrow();
  });

  it('escapes context values, so user text never becomes markup', () => {
    const out = renderView('message.njk', { title: '<script>alert(1)</script>', serviceName: 'A & B', paragraphs: ['<p>not kept</p>'] });
    expect(out).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; – A &amp; B</title>');
    expect(out).toContain('&lt;p&gt;not kept&lt;/p&gt;');
    expect(out).not.toContain('<script>');
  });

  it('shows the error summary linking to each field, and says Error in the title', () => {
    const out = renderView('message.njk', {
      title: 'Assign',
      paragraphs: ['x'],
      errors: [{ field: 'owner', message: 'Choose an owner <now>' }],
    });
    expect(out).toContain('<title>Error: Assign');
    expect(out).toMatch(/class="govuk-error-summary"/);
    expect(out).toContain('<a href="#owner">Choose an owner &lt;now&gt;</a>');
  });

  it('marks the current navigation item and shows counts', () => {
    const out = renderView('message.njk', {
      title: 'T',
      paragraphs: [],
      nav: [
        { href: '/', text: 'My tasks', count: 3, current: true },
        { href: '/dashboard', text: 'Dash <b>' },
      ],
      account: { name: 'Ann', csrfToken: 'tok' },
    });
    expect(out).toMatch(/href="\/"\s+aria-current="page"/);
    expect(out).toContain('My tasks <span class="app-nav-count">3</span>');
    expect(out).toContain('Dash &lt;b&gt;');
    expect(out).toContain('name="_csrf" value="tok"');
  });
});
