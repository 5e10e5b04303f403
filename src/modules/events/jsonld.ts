import type { EventCard } from './events.ts'

/**
 * schema.org `Event` for an event page (search engines and calendar tools read it). The online link is a
 * VirtualLocation URL only when the reader may see it (`onlineUrl` given); otherwise the virtual location
 * has no URL.
 */
export function eventJsonLd(baseUrl: string, card: EventCard, venue: string, onlineUrl: string | null): Record<string, unknown> {
  const place = venue ? { '@type': 'Place', name: venue, address: venue } : null
  const virtual = { '@type': 'VirtualLocation', ...(onlineUrl ? { url: onlineUrl } : {}) }
  const location = card.format === 'in_person' ? place : card.format === 'online' ? virtual : [place, virtual].filter(Boolean)
  const mode = { in_person: 'OfflineEventAttendanceMode', online: 'OnlineEventAttendanceMode', hybrid: 'MixedEventAttendanceMode' }[card.format]
  const organiser = card.organiser
    ? { '@type': card.organiser.kind === 'person' ? 'Person' : 'Organization', name: card.organiser.name, ...(card.organiser.url ? { url: `${baseUrl}${card.organiser.url}` } : {}) }
    : undefined
  return {
    '@context': 'https://schema.org',
    '@type': 'Event',
    name: card.title,
    description: card.excerpt,
    url: `${baseUrl}${card.url}`,
    startDate: card.startsAt,
    endDate: card.endsAt,
    eventAttendanceMode: `https://schema.org/${mode}`,
    eventStatus: `https://schema.org/${card.cancelled ? 'EventCancelled' : 'EventScheduled'}`,
    location,
    ...(organiser ? { organizer: organiser } : {}),
    ...(card.capacity !== null ? { maximumAttendeeCapacity: card.capacity, remainingAttendeeCapacity: card.placesLeft } : {}),
  }
}
