#include "standards/water_rules.h"


namespace skyriver::standards {

const EvaluationRules& default_rules() {
  static const EvaluationRules r;
  return r;
}

}  // namespace skyriver::standards
