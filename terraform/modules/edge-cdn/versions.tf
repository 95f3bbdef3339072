terraform {
  # 1.11: write-only attributes (the callback secret never enters the state).
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}
