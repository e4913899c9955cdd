#pragma once
// What handlers may use: settings, the services, and the assets. Built by app/.
#include "api/assets.hpp"
#include "config/settings.hpp"
#include "services/health_service.hpp"

namespace gatehouse::api {

struct ApiContext {
  const config::Settings& settings;
  const Assets& assets;
  services::HealthService& health;
};

}  // namespace gatehouse::api
