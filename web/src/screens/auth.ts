import { publicApi, call } from '../api/client';
import { explain } from '../api/errors';
import { saveSession } from '../api/session';
import { navigate, type Route } from '../router';
import { errorLine, h } from '../ui/dom';

function field(label: string, attrs: Record<string, string | number | boolean>, hint?: string): HTMLElement {
  const id = `field-${String(attrs.name)}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, ...attrs, 'aria-describedby': hint ? `${id}-hint` : null }),
    hint && h('small', { id: `${id}-hint`, class: 'muted' }, hint),
  );
}

function authForm(
  title: string,
  fields: HTMLElement[],
  submitLabel: string,
  submit: (form: FormData) => Promise<{ userId: string; accessToken: string; refreshToken: string }>,
  route: Route,
  footer: Node,
): HTMLElement {
  const error = errorLine();
  const button = h('button', { type: 'submit' }, submitLabel);
  const form = h('form', { class: 'stack' }, ...fields, error, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = '';
    try {
      saveSession(await submit(new FormData(form)));
      const next = route.query.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (failure) {
      error.textContent = await explain(failure);
      button.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'narrow auth' },
    h('p', { class: 'brand big', 'aria-hidden': 'true' }, 'Lumen'),
    h('h1', {}, title),
    form,
    h('p', { class: 'muted center' }, footer),
  );
}

const text = (form: FormData, name: string) => (form.get(name) as string | null) ?? '';

export function signInScreen(route: Route): Node {
  return authForm(
    'Sign in',
    [
      field('Email', { name: 'email', type: 'email', autocomplete: 'email', required: true }),
      field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    ],
    'Sign in',
    (form) =>
      call(publicApi.auth.login.$post({ json: { email: text(form, 'email'), password: text(form, 'password') } })),
    route,
    h('span', {}, 'New to Lumen? ', h('a', { href: `/signup${location.search}` }, 'Create an account')),
  );
}

export function signUpScreen(route: Route): Node {
  return authForm(
    'Create your account',
    [
      field(
        'Username',
        {
          name: 'username',
          autocomplete: 'username',
          required: true,
          minlength: 3,
          maxlength: 30,
          pattern: '[A-Za-z0-9_.]+',
          autocapitalize: 'none',
          spellcheck: false,
        },
        'Letters, digits, “_” and “.”; 3 to 30 of them.',
      ),
      field('Full name (optional)', { name: 'fullName', autocomplete: 'name', maxlength: 100 }),
      field('Email', { name: 'email', type: 'email', autocomplete: 'email', required: true }),
      field(
        'Password',
        {
          name: 'password',
          type: 'password',
          autocomplete: 'new-password',
          required: true,
          minlength: 8,
          maxlength: 128,
        },
        'At least 8 characters.',
      ),
    ],
    'Sign up',
    (form) => {
      const fullName = text(form, 'fullName').trim();
      return call(
        publicApi.auth.register.$post({
          json: {
            username: text(form, 'username'),
            email: text(form, 'email'),
            password: text(form, 'password'),
            ...(fullName ? { fullName } : {}),
          },
        }),
      );
    },
    route,
    h('span', {}, 'Already have an account? ', h('a', { href: `/signin${location.search}` }, 'Sign in')),
  );
}
