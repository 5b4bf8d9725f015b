// Secrets: the token comparison and the password redaction of store URLs (core/secret.h).
// Expected values are the inputs themselves with the password replaced by hand.
#include "core/secret.h"

#include <gtest/gtest.h>

using skyriver::core::equal_constant_time;
using skyriver::core::redact_url;

TEST(Secret, TokensCompareOnTheWholeValue) {
  EXPECT_TRUE(equal_constant_time("Bearer s3cret", "Bearer s3cret"));
  EXPECT_FALSE(equal_constant_time("Bearer s3cre", "Bearer s3cret"));   // a prefix is not the token
  EXPECT_FALSE(equal_constant_time("Bearer s3cretX", "Bearer s3cret"));  // nor a longer value
  EXPECT_FALSE(equal_constant_time("Bearer t3cret", "Bearer s3cret"));
  EXPECT_FALSE(equal_constant_time("", "Bearer s3cret"));
  EXPECT_FALSE(equal_constant_time("x", ""));
  EXPECT_TRUE(equal_constant_time("", ""));
}

TEST(Secret, StoreUrlsLoseTheirPasswordOnly) {
  EXPECT_EQ(redact_url("postgresql://skyriver:hunter2@db.example:5432/skyriver"),
            "postgresql://skyriver:***@db.example:5432/skyriver");
  EXPECT_EQ(redact_url("postgres://u:p%40ss@h/db?sslmode=require&password=x2&schema=t"),
            "postgres://u:***@h/db?sslmode=require&password=***&schema=t");
  EXPECT_EQ(redact_url("postgresql:///db?host=/tmp&password=abc"), "postgresql:///db?host=/tmp&password=***");
  EXPECT_EQ(redact_url("host=localhost password='a b' dbname=x"), "host=localhost password=*** dbname=x");
  EXPECT_EQ(redact_url("host=localhost PASSWORD = abc dbname=x"), "host=localhost PASSWORD = *** dbname=x");
  EXPECT_EQ(redact_url("postgresql://u@h/db"), "postgresql://u@h/db");  // no password: unchanged
  EXPECT_EQ(redact_url("var/skyriver.db"), "var/skyriver.db");
  EXPECT_EQ(redact_url("sqlite:/data/pass=word.db"), "sqlite:/data/pass=word.db");
  // In an error message the URL is followed by the reason.
  EXPECT_EQ(redact_url("postgresql://u:pw@h/db: cannot connect to PostgreSQL: user@x refused"),
            "postgresql://u:***@h/db: cannot connect to PostgreSQL: user@x refused");
}
