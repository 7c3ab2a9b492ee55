/* motcua-lunar.h: the Vietnamese lunisolar calendar, computed offline.
 *
 * Vietnam's lunar calendar is the Chinese one reckoned at the UTC+7 meridian, so some
 * years differ from the Chinese dates. Astronomical new moons and solar terms are
 * computed (Meeus' approximations), so no table needs updating.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Solar date of lunar @day/@month of lunar year @year (leap month when @leap).
 * Returns FALSE if that lunar date does not exist. */
gboolean motcua_lunar_to_solar (int      day,
                                int      month,
                                int      year,
                                gboolean leap,
                                GDate   *solar);
/* Lunar date of a solar date. */
void     motcua_lunar_from_solar (const GDate *solar,
                                  int         *day,
                                  int         *month,
                                  int         *year,
                                  gboolean    *leap);

G_END_DECLS
