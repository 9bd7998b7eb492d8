// SPDX-FileCopyrightText: Copyright 2015-2025 go-swagger maintainers
// SPDX-License-Identifier: Apache-2.0

package conv

import (
	"testing"
	"time"

	"github.com/go-openapi/testify/v2/assert"

	"github.com/go-openapi/strfmt"
)

func TestDateValue(t *testing.T) {
	assert.EqualT(t, strfmt.Date{}, DateValue(nil))
	date := strfmt.Date(time.Now())
	assert.EqualT(t, date, DateValue(&date))
}
