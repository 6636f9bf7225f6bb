FROM ruby:3.3
