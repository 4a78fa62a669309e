import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { buttonNames, cardHeading } from './a11y';
import { setUnauthorizedHandler } from './api/http';
import { router } from './router';
import { useSession } from './stores/session';
import './styles/base.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(router);
app.directive('card-heading', cardHeading);
app.directive('button-names', buttonNames);

setUnauthorizedHandler(() => {
  useSession(pinia).forget();
  const current = router.currentRoute.value;
  if (current.name !== 'login') void router.push({ name: 'login', query: { redirect: current.fullPath } });
});

app.mount('#app');
