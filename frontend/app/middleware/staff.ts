// Staff pages for admins and an event's team (issue 11), by the team roles auth/me/ lists:
// `definePageMeta({ middleware: 'staff', staff: 'door' })` lets managers and door staff in (the
// scanner); otherwise only managers. A page of one event (`[slug]`) needs that event's manager;
// the API refuses the rest all the same (404), this only keeps the menus honest.
export default defineNuxtRouteMiddleware(async (to) => {
  await useAuth().restore()
  const auth = useAuthStore()
  if (!auth.isLoggedIn) return navigateTo({ path: '/auth/login', query: { next: to.fullPath } })
  const allowed = to.meta.staff === 'door' ? auth.worksDoor : auth.managesEvents
  if (!allowed) return navigateTo('/dashboard')
  const slug = to.params.slug
  if (typeof slug !== 'string' || auth.manages(slug)) return
  // The roles may be older than the slug (a manager just renamed their event): ask once more.
  await useAuth().loadRoles()
  if (!auth.manages(slug)) return navigateTo('/admin')
})

declare module '#app' {
  interface PageMeta {
    /** Who a staff page is for: `door` (the scanner: managers and door staff), else managers. */
    staff?: 'door' | 'manage'
  }
}
